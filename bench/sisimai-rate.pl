#!/usr/bin/perl
# Times Debian's Sisimai (libsisimai-perl) over a folder of bounce mails, the way Sisimai is
# normally used: Sisimai->make (4.x) or Sisimai->rise (5.x) on the folder path.
# Each round is timed by the wall clock and by the CPU time the process used (user + system); the
# second is the one to compare on a shared machine.
# Usage: sisimai-rate.pl [FOLDER] [ROUNDS]. Prints "mails/s: N" and "mails/cpu-s: N" (the best
# round of each) for the folder read by Sisimai, then "in-memory mails/s: N" and "in-memory
# mails/cpu-s: N" for the same mails parsed from memory.
use strict;
use warnings;
use Time::HiRes qw(time);
use Sisimai;

my $dir    = shift // 'corpus/sisimai/maildir/bsd';
my $rounds = shift // 3;
die "no such folder: $dir\n" unless -d $dir;

# Sisimai's Maildir reader takes the files directly in the folder.
my $mails = 0;
opendir(my $dh, $dir) or die "cannot read $dir: $!\n";
for my $name (readdir $dh) { $mails++ if -f "$dir/$name" }
closedir $dh;

my $api = Sisimai->can('rise') ? 'rise' : 'make';
printf "sisimai %s, Sisimai->%s, %d mails in %s\n", Sisimai->version, $api, $mails, $dir;

sub cpu { my ($user, $system) = times; return $user + $system }

# The first pass loads Sisimai's modules (it requires them lazily); it is not counted.
my $t0 = time;
my $records = Sisimai->$api($dir) // [];
printf "first pass (modules loading): %.3f s, %d records\n", time - $t0, scalar @$records;

my ($best, $bestCpu) = (0, 0);
for my $round (1 .. $rounds) {
    my ($t, $c) = (time, cpu());
    my $r = Sisimai->$api($dir) // [];
    my ($s, $cs) = (time - $t, cpu() - $c);
    $cs = $s if $cs <= 0;
    my ($rate, $cpuRate) = ($mails / $s, $mails / $cs);
    $best = $rate if $rate > $best;
    $bestCpu = $cpuRate if $cpuRate > $bestCpu;
    printf "round %d: %.3f s (%.2f s CPU) = %.1f mails/s, %.1f mails/cpu-s (%d records)\n",
        $round, $s, $cs, $rate, $cpuRate, scalar @$r;
}
printf "mails/s: %.1f\n", $best;
printf "mails/cpu-s: %.1f\n", $bestCpu;

# The same mails parsed from memory: each file's content is read once beforehand and handed to
# Sisimai->make as a scalar reference (Sisimai::Mail::Memory), so the rounds time the parsing
# alone, as Petrel's in-memory rate does.
my @contents;
opendir($dh, $dir) or die "cannot read $dir: $!\n";
for my $name (sort readdir $dh) {
    next unless -f "$dir/$name";
    open(my $fh, '<', "$dir/$name") or die "cannot read $dir/$name: $!\n";
    local $/;
    push @contents, scalar <$fh>;
    close $fh;
}
closedir $dh;
my ($bestMem, $bestMemCpu) = (0, 0);
for my $round (1 .. $rounds) {
    my ($t, $c) = (time, cpu());
    my $n = 0;
    for my $content (@contents) {
        my $r = Sisimai->$api(\$content) // [];
        $n += scalar @$r;
    }
    my ($s, $cs) = (time - $t, cpu() - $c);
    $cs = $s if $cs <= 0;
    my ($rate, $cpuRate) = (scalar(@contents) / $s, scalar(@contents) / $cs);
    $bestMem = $rate if $rate > $bestMem;
    $bestMemCpu = $cpuRate if $cpuRate > $bestMemCpu;
    printf "in memory, round %d: %.3f s (%.2f s CPU) = %.1f mails/s, %.1f mails/cpu-s (%d records)\n",
        $round, $s, $cs, $rate, $cpuRate, $n;
}
printf "in-memory mails/s: %.1f\n", $bestMem;
printf "in-memory mails/cpu-s: %.1f\n", $bestMemCpu;
