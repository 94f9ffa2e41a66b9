#!/usr/bin/perl
# Masks secrets in text: the one implementation of collect-logs.sh's redaction, also run alone by its tests.
#
# Usage: redact.pl [--secrets-from FILE]... [FILE...]
#   With FILEs, rewrites each of them in place; without, filters standard input to standard output.
#   --secrets-from names a configuration file (agent.yml, /etc/environment, a systemd drop-in, an ovf-env.xml): every
#   value in it whose name says it is secret, and the password of every URL in it, is masked wherever it appears,
#   literally, and in the encodings it travels in (URL-encoded or not, base64, base64 of "user:password" as in HTTP
#   Basic). The values are only held in memory: nothing here writes or prints them.
#
# On top of those known values, patterns catch secrets nobody configured: PEM private keys (the whole block, also
# one cut by a log rotation or a tail), URL passwords, secret-named key=value / key: value / "key": "value" pairs,
# Kubernetes env entries (name: X_PASSWORD, value: ...), Authorization headers, Bearer/Basic credentials, JWTs and
# the data/stringData of Kubernetes Secrets in YAML or JSON. Every mask is MASK; the rest of each line is kept.
use strict;
use warnings;
use MIME::Base64 qw(encode_base64 decode_base64);

my $MASK = '***REDACTED***';
# A known value shorter than this is masked only where a pattern finds it: masking "abc" everywhere would mangle logs.
my $SHORTEST_LITERAL = 4;

# The words that make a name secret, and the last words that make it a reference to one (a file, an id, a name).
my %SECRET_WORDS = map { $_ => 1 }
    qw(password passwd passphrase secret secrets token pin pairing key apikey auth credential credentials);
my %REFERENCE_WORDS = map { $_ => 1 }
    qw(file path dir id ref name names type size url uri length count ttl expiry expires algorithm usage usages);
my %PUBLIC_WORDS = map { $_ => 1 } qw(public pub authorized fingerprint thumbprint);

my $NAME = qr/[A-Za-z_][\w.-]*/;
# A value after "=" or ":": quoted (the quotes stay), or up to the next space or separator.
my $PAIR_VALUE = qr/"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,;&"'}\]]+/;
# An HTTP credential: up to a space or whatever closes the quote, list or map it is printed in.
my $CREDENTIAL = qr/[^\s"',;\]}]+/;
# A quote in JSON, or in JSON quoted inside a JSON string (an annotation such as last-applied-configuration).
my $JSON_QUOTE = qr/\\*"/;

# "pairingCode", "PCG_AGENT_PAIRING_CODE", "client-key-data", "pcg.sshPublicKey": secret unless a word says public or
# the last word says it only names one. The bare name "key" is Kubernetes' reference to one (tolerations, selectors,
# secretKeyRef), so it stays: the value it refers to is what would be secret, not its name.
sub is_secret_name {
    my ($name) = @_;
    my @words = map { lc } ($name =~ /[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g);
    return 0 if !@words || (@words == 1 && $words[0] eq 'key');
    return 0 if grep { $PUBLIC_WORDS{$_} } @words;
    return 0 if $REFERENCE_WORDS{ $words[-1] };
    return scalar grep { $SECRET_WORDS{$_} } @words;
}

sub percent_decoded {
    my ($text) = @_;
    $text =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge;
    return $text;
}

sub base64_of {
    my ($text) = @_;
    return encode_base64($text, '');
}

# The ways one known value can appear in a file.
sub encodings_of {
    my ($value) = @_;
    # systemd drop-ins double every '%' (a single one would be a specifier).
    (my $unescaped = $value) =~ s/%%/%/g;
    my $decoded = percent_decoded($unescaped);
    return ($value, $unescaped, $decoded, base64_of($unescaped), base64_of($decoded));
}

# A value from a configuration file as the program reading it sees it: unquoted, escapes resolved.
sub unquoted {
    my ($value) = @_;
    $value =~ s/^\s+|\s+$//g;
    if ($value =~ /^"(.*)"$/) {
        $value = $1;
        $value =~ s/\\u([0-9a-fA-F]{4})/chr(hex($1))/ge;
        $value =~ s/\\(.)/$1/g;
    } elsif ($value =~ /^'(.*)'$/) {
        ($value = $1) =~ s/''/'/g;
    }
    $value =~ s/&quot;/"/g; $value =~ s/&lt;/</g; $value =~ s/&gt;/>/g; $value =~ s/&apos;/'/g; $value =~ s/&amp;/&/g;
    return $value;
}

# name/value pairs of YAML, .env, systemd Environment= lines and OVF environment properties.
sub named_values {
    my ($text) = @_;
    my @pairs;
    while ($text =~ /oe:key="([^"]*)"\s+oe:value="([^"]*)"/g) {
        push @pairs, [$1, $2];
    }
    for my $line (split /\n/, $text) {
        next if $line =~ /^\s*#/;
        while ($line =~ /(?:^|[\s"'])([A-Za-z_][\w.-]*)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)/g) {
            push @pairs, [$1, $2];
        }
        push @pairs, [$1, $2] if $line =~ /^\s*(?:-\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*:\s+(\S.*?)\s*$/;
    }
    return map { [$_->[0], unquoted($_->[1])] } @pairs;
}

# Every value to mask literally that the configuration file names, in every encoding it travels in.
sub known_secrets_in {
    my ($file) = @_;
    open(my $in, '<:raw', $file) or return ();
    my $text = do { local $/; <$in> };
    close $in;
    my @secrets;
    for my $pair (named_values($text)) {
        my ($name, $value) = @$pair;
        push @secrets, encodings_of($value) if is_secret_name($name);
        while ($value =~ m{[A-Za-z][A-Za-z0-9+.-]*://([^\s/:@]*):([^\s/@]+)@}g) {
            my ($user, $password) = ($1, $2);
            (my $plain_user, my $plain_password) = map { percent_decoded(s/%%/%/gr) } ($user, $password);
            push @secrets, encodings_of($password), base64_of("$plain_user:$plain_password"), base64_of("$user:$password");
        }
    }
    return grep { length($_) >= $SHORTEST_LITERAL } @secrets;
}

# The masked private key keeps its armour lines, so a reader still sees which kind of key was there.
sub redact_private_keys {
    my ($text) = @_;
    my $label = qr/[A-Z0-9 ]*PRIVATE KEY[A-Z ]*/;
    $text =~ s{(-----BEGIN ($label)-----)(.*?)(?:(-----END \2-----)|\z)}{
        # A key quoted in JSON or a log line has its line breaks escaped: the mask keeps it on that one line.
        my ($begin, $body, $end) = ($1, $3, $4);
        my $break = $body =~ /\n/ ? "\n" : '\n';
        $begin . $break . $MASK . (defined $end ? "$break$end" : $body =~ /\n\z/ ? "\n" : '');
    }gse;
    # An END line before any BEGIN: the file starts inside a key (rotated or cut by the tail).
    $text =~ s/\A(?:(?!-----BEGIN ).)*?(?=-----END $label-----)/$MASK\n/s;
    return $text;
}

# Values under data:/stringData: of every Secret, whether dumped as YAML, indented JSON, or JSON on one line.
sub redact_kubernetes_secrets {
    my ($text) = @_;
    my @lines = split /(?<=\n)/, $text;
    for my $index (0 .. $#lines) {
        next unless $lines[$index] =~ /^(\s*(?:- )?)"?kind"?\s*:\s*["']?Secret["']?\s*,?\s*$/;
        my $column = length($1);
        my ($first, $last) = object_around(\@lines, $index, $column);
        redact_data_blocks(\@lines, $first, $last, $column);
    }
    $text = join '', @lines;
    $text =~ s/^(.*${JSON_QUOTE}kind$JSON_QUOTE\s*:\s*${JSON_QUOTE}Secret$JSON_QUOTE.*)$/secret_json_masked($1)/gme;
    return $text;
}

# One line of JSON holding a Secret: the entries of its data and stringData objects keep their keys only.
sub secret_json_masked {
    my ($line) = @_;
    $line =~ s/($JSON_QUOTE(?:data|stringData)$JSON_QUOTE\s*:\s*[{])([^{}]*)/$1 . json_values_masked($2)/ge;
    return $line;
}

sub json_values_masked {
    my ($entries) = @_;
    my $string = qr/(?:[^"\\]|\\[^"])*/;
    $entries =~ s/($JSON_QUOTE$string$JSON_QUOTE\s*:\s*)($JSON_QUOTE)$string$JSON_QUOTE/$1$2$MASK$2/g;
    return $entries;
}

# The column where a line's key starts: its indentation, plus the "- " of a list item.
sub key_column {
    my ($line) = @_;
    $line =~ /^(\s*(?:- )?)/;
    return length($1);
}

sub is_blank { return $_[0] =~ /^\s*$/ }

# "---" and "..." separate YAML documents: no object reaches across them.
sub is_document_boundary { return $_[0] =~ /^(?:---|\.\.\.)(?:\s|$)/ }

sub starts_item_at {
    my ($line, $column) = @_;
    return $column >= 2 && $line =~ /^\s{@{[$column - 2]}}- /;
}

# First and last line of the mapping whose keys start at $column and that holds line $index.
sub object_around {
    my ($lines, $index, $column) = @_;
    my $first = $index;
    while (!starts_item_at($lines->[$first], $column) && $first > 0) {
        my $above = $lines->[$first - 1];
        last if is_document_boundary($above)
            || (!is_blank($above) && key_column($above) < $column && !starts_item_at($above, $column));
        $first--;
    }
    my $last = $index;
    while ($last < $#$lines) {
        my $below = $lines->[$last + 1];
        last if is_document_boundary($below)
            || (!is_blank($below) && (key_column($below) < $column || starts_item_at($below, $column)));
        $last++;
    }
    return ($first, $last);
}

sub redact_data_blocks {
    my ($lines, $first, $last, $column) = @_;
    my $inside = 0;
    for my $index ($first .. $last) {
        my $line = $lines->[$index];
        next if is_blank($line);
        my $indent = key_column($line);
        if ($indent == $column) {
            $inside = 0;
            if ($line =~ /^(\s*(?:- )?"?(?:data|stringData)"?\s*:\s*)(.*?)(,?)(\s*)$/) {
                my ($key, $value, $comma, $end) = ($1, $2, $3, $4);
                if ($value eq '' || $value eq '{') {
                    $inside = 1;
                } elsif ($value ne '{}') {
                    $lines->[$index] = "$key\{$MASK\}$comma$end";
                }
            }
        } elsif ($inside && $indent > $column) {
            $lines->[$index] = masked_entry($line);
        }
    }
}

# One line inside a Secret's data: the key stays, the value goes; a line of a multi-line value goes entirely.
sub masked_entry {
    my ($line) = @_;
    my ($body, $end) = $line =~ /^(.*?)(\r?\n?)$/s;
    return $line if $body =~ /^\s*[\}\]],?\s*$/;
    if ($body =~ /^(\s*(?:- )?(?:"[^"]*"|[^\s:"]+)\s*:)(\s*)(.*?)(,?)\s*$/) {
        my ($key, $space, $value, $comma) = ($1, $2, $3, $4);
        return $line if $value eq '' || $value =~ /^[|>][-+]?\d*$/;
        my $masked = $value =~ /^"/ ? "\"$MASK\"" : $MASK;
        return "$key" . ($space || ' ') . "$masked$comma$end";
    }
    $body =~ /^(\s*)/;
    return "$1$MASK$end";
}

sub redact_patterns {
    my ($text) = @_;
    # URL userinfo: the user and the host stay.
    $text =~ s{\b([A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'"]*):[^\s/@'"]+@}{$1:$MASK\@}g;
    # Authorization headers: the scheme stays, the credentials go (Basic's base64 is a password in plain sight).
    $text =~ s{\b((?i:proxy-)?(?i:authorization)["']?\s*[:=]\s*["'\[]?)((?i:basic|bearer|digest|negotiate|token)\s+)?$CREDENTIAL}
              {$1 . ($2 // '') . $MASK}ge;
    $text =~ s{\b((?i:bearer)\s+)[A-Za-z0-9\-._~+/]{8,}=*}{$1$MASK}g;
    $text =~ s{\b((?i:basic)\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])}{
        my ($scheme, $credentials) = ($1, $2);
        decode_base64($credentials) =~ /:/ ? "$scheme$MASK" : "$scheme$credentials";
    }ge;
    $text =~ s{\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*}{$MASK}g;
    # An OVF environment property: <Property oe:key="pcg.pairingCode" oe:value="..."/>.
    $text =~ s{(oe:key="([^"]*)"\s+oe:value=")([^"]*)"}{is_secret_name($2) ? "$1$MASK\"" : "$1$3\""}ge;
    # Kubernetes env entries: the secret name and its value are two keys of one mapping.
    $text =~ s{^(\s*-?\s*name:\s*["']?($NAME)["']?[^\S\n]*\n\s*value:[^\S\n]*)(\S[^\n]*?)([^\S\n]*)$}{is_secret_name($2) ? "$1$MASK$4" : "$1$3$4"}gme;
    $text =~ s{(\{\s*"name"\s*:\s*"($NAME)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)"}{is_secret_name($2) ? "$1$MASK\"" : "$1$3\""}ge;
    # YAML's "name: value" with an unquoted name: the value runs to the end of the line.
    $text =~ s{(?<![\w.-])($NAME)(:[^\S\n]+)(?!["'\s])([^\n]*?)([^\S\n]*)$}{is_secret_name($1) ? "$1$2$MASK$4" : "$1$2$3$4"}gme;
    # name=value, name: value, "name": "value": a quoted value keeps its quotes, an unquoted one ends at a space or separator.
    $text =~ s{(?<![\w.-])($NAME)(["']?\s*[:=]\s*)($PAIR_VALUE)}{
        my ($key, $separator, $value) = ($1, $2, $3);
        !is_secret_name($key) ? "$key$separator$value"
            : $value =~ /^(["'])/ ? "$key$separator$1$MASK$1" : "$key$separator$MASK";
    }ge;
    # Command-line flags: --password value, --token=value.
    $text =~ s{(?<![\w-])(--?)($NAME)(=|[^\S\n]+)("[^"\n]*"|'[^'\n]*'|[^\s"']+)}{is_secret_name($2) ? "$1$2$3$MASK" : "$1$2$3$4"}ge;
    return $text;
}

sub redact_literals {
    my ($text, $secrets) = @_;
    return $text unless @$secrets;
    my $any = join '|', map { quotemeta } sort { length($b) <=> length($a) } @$secrets;
    $text =~ s/(?:$any)/$MASK/g;
    return $text;
}

sub redacted {
    my ($text, $secrets) = @_;
    $text = redact_private_keys($text);
    $text = redact_literals($text, $secrets);
    $text = redact_kubernetes_secrets($text);
    return redact_patterns($text);
}

sub main {
    my (@sources, @files);
    while (@ARGV) {
        my $argument = shift @ARGV;
        if ($argument eq '--secrets-from') {
            push @sources, shift(@ARGV) // die "redact.pl: --secrets-from needs a file\n";
        } else {
            push @files, $argument;
        }
    }
    my %unique = map { $_ => 1 } map { known_secrets_in($_) } @sources;
    my @secrets = keys %unique;
    if (!@files) {
        binmode STDIN; binmode STDOUT;
        my $text = do { local $/; <STDIN> } // '';
        print redacted($text, \@secrets);
        return;
    }
    for my $file (@files) {
        open(my $in, '<:raw', $file) or die "redact.pl: cannot read $file: $!\n";
        my $text = do { local $/; <$in> } // '';
        close $in;
        my $safe = redacted($text, \@secrets);
        next if $safe eq $text;
        open(my $out, '>:raw', $file) or die "redact.pl: cannot rewrite $file: $!\n";
        print $out $safe or die "redact.pl: cannot rewrite $file: $!\n";
        close $out or die "redact.pl: cannot rewrite $file: $!\n";
    }
}

main();
