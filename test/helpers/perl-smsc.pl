#!/usr/bin/perl
# An SMPP 3.4 server written with Debian's Net::SMPP, used as a peer that shares no code with the
# `smpp` npm package: if our client and this server agree on the bytes, the wire format is right
# rather than merely symmetrical with the library that wrote it.
#
#   perl perl-smsc.pl [PORT]     (PORT 0 or absent: an ephemeral port)
#
# Prints `LISTENING <port>` once it accepts connections, then one JSON line per submit_sm.
# Serves any number of connections (one select loop, no fork, so no children outlive it) and exits
# when stdin closes, so a test that dies without stopping it does not leave it running.
use strict;
use warnings;
use IO::Select;
use JSON::PP;
use Net::SMPP;

$| = 1;
$SIG{TERM} = sub { exit 0 };
$SIG{PIPE} = 'IGNORE';    # a client that vanishes must cost only its own connection

my $port = @ARGV ? $ARGV[0] : 0;
my $listener = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34)
  or die "perl-smsc: cannot listen on 127.0.0.1:$port: $!\n";
print 'LISTENING ', $listener->sockport, "\n";

use constant {
    BIND_RECEIVER    => 0x00000001,
    BIND_TRANSMITTER => 0x00000002,
    SUBMIT_SM        => 0x00000004,
    UNBIND           => 0x00000006,
    BIND_TRANSCEIVER => 0x00000009,
    ENQUIRE_LINK     => 0x00000015,
    RESPONSE_BIT     => 0x80000000,
    ESME_RINVCMDID   => 0x00000003,
};

my $json = JSON::PP->new->canonical;
my $next_message_id = 1;
my $select = IO::Select->new($listener, \*STDIN);

sub hex_or_null {
    my ($value) = @_;
    return defined $value ? unpack('H*', $value) : undef;
}

# Returns false when the connection should be closed.
sub handle_pdu {
    my ($conn, $pdu) = @_;
    my $cmd = $pdu->{cmd};
    my $seq = $pdu->{seq};
    if ($cmd == BIND_TRANSCEIVER) {
        $conn->bind_transceiver_resp(seq => $seq, system_id => 'perl-smsc');
    } elsif ($cmd == BIND_TRANSMITTER) {
        $conn->bind_transmitter_resp(seq => $seq, system_id => 'perl-smsc');
    } elsif ($cmd == BIND_RECEIVER) {
        $conn->bind_receiver_resp(seq => $seq, system_id => 'perl-smsc');
    } elsif ($cmd == ENQUIRE_LINK) {
        $conn->enquire_link_resp(seq => $seq);
    } elsif ($cmd == UNBIND) {
        $conn->unbind_resp(seq => $seq);
        return 0;
    } elsif ($cmd == SUBMIT_SM) {
        # Numbers are forced numeric: JSON::PP writes a scalar once used as a string as a string.
        print $json->encode({
            destination_addr    => $pdu->{destination_addr},
            source_addr         => $pdu->{source_addr},
            data_coding         => 0 + $pdu->{data_coding},
            esm_class           => 0 + $pdu->{esm_class},
            registered_delivery => 0 + $pdu->{registered_delivery},
            short_message_hex   => hex_or_null($pdu->{short_message}) // '',
            message_payload_hex => hex_or_null($pdu->{message_payload}),
        }), "\n";
        $conn->submit_sm_resp(seq => $seq, message_id => sprintf('%d', $next_message_id++));
    } elsif (!($cmd & RESPONSE_BIT)) {
        $conn->generic_nack(seq => $seq, status => ESME_RINVCMDID);
    }
    # Responses (deliver_sm_resp, enquire_link_resp, ...) need no answer.
    return 1;
}

while (1) {
    for my $fh ($select->can_read) {
        if (fileno($fh) == fileno($listener)) {
            my $conn = $listener->accept or next;
            $select->add($conn);
        } elsif (fileno($fh) == fileno(STDIN)) {
            my $n = sysread(STDIN, my $discard, 4096);
            exit 0 if !$n;    # stdin closed (or failed): our parent is gone or wants us gone
        } else {
            my $pdu = $fh->read_pdu;
            if (!$pdu || !handle_pdu($fh, $pdu)) {
                $select->remove($fh);
                close $fh;
            }
        }
    }
}
