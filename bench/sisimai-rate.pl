#!/usr/bin/perl
# Times Debian's Sisimai (libsisimai-perl) over a folder of bounce mails, the way Sisimai is
# normally used: Sisimai->make (4.x) or Sisimai->rise (5.x) on the folder path.
# Each round is timed by the wall clock and by the CPU time the process used (user + system); the
# second is the one to compare on a shared machine.
# Usage: sisimai-rate.pl [FOLDER] [ROUNDS]. The last lines printed are "mails/s: N" and
# "mails/cpu-s: N" (the best round of each).
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
