#!/usr/bin/perl
# Times Debian's Sisimai (libsisimai-perl) over a folder of bounce mails, the way Sisimai is
# normally used: Sisimai->make (4.x) or Sisimai->rise (5.x) on the folder path.
# Usage: sisimai-rate.pl [FOLDER] [ROUNDS]. The last line printed is "mails/s: N".
use strict;
use warnings;
use File::Find;
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

# The first pass loads Sisimai's modules (it requires them lazily); it is not counted.
my $t0 = time;
my $records = Sisimai->$api($dir) // [];
printf "first pass (modules loading): %.3f s, %d records\n", time - $t0, scalar @$records;

my $best = 0;
my $total = 0;
for my $round (1 .. $rounds) {
    my $t = time;
    my $r = Sisimai->$api($dir) // [];
    my $s = time - $t;
    $total += $s;
    my $rate = $mails / $s;
    $best = $rate if $rate > $best;
    printf "round %d: %.3f s = %.1f mails/s (%d records)\n", $round, $s, $rate, scalar @$r;
}
printf "mean: %.1f mails/s, best: %.1f mails/s\n", $mails * $rounds / $total, $best;
printf "mails/s: %.1f\n", $best;
