using Google.Protobuf;
using Microsoft.AspNetCore.Connections;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Tests.Unit;

/// <summary>
/// A stream that ends under the transport is a disconnect; bytes that do not parse are bad input. The shapes are the
/// ones Kestrel and gRPC raise (a faulted shared HTTP/2 connection was logged as a malformed message for each of its
/// streams, 1,000 refusals and warnings for one connection error, in a 100,000-node fleet run).
/// </summary>
public sealed class TransportEndsTests
{
    [Fact]
    public void A_faulted_shared_connection_is_a_transport_end_not_a_malformed_message()
    {
        // IOException("The request stream was aborted") → ConnectionAbortedException("The HTTP/2 connection faulted")
        // → Kestrel's internal Http2ConnectionErrorException (here a plain exception: the type is not public).
        var faulted = new IOException("The request stream was aborted.",
            new ConnectionAbortedException("The HTTP/2 connection faulted.",
                new InvalidOperationException("HTTP/2 connection error (STREAM_CLOSED): The client sent a DATA frame to closed stream ID 7207.")));
        Assert.True(TransportEnds.IsTransportEnd(faulted));
    }

    [Fact]
    public void A_reset_stream_or_an_aborted_connection_is_a_transport_end()
    {
        Assert.True(TransportEnds.IsTransportEnd(new IOException("The client reset the request stream.")));
        Assert.True(TransportEnds.IsTransportEnd(new ConnectionAbortedException("The connection was aborted by the application.")));
        Assert.True(TransportEnds.IsTransportEnd(new InvalidOperationException("reading failed", new IOException("Connection reset by peer"))));
    }

    [Fact]
    public void Bytes_that_do_not_parse_stay_malformed_input_wherever_the_parse_error_sits()
    {
        // protobuf's exception has no public constructor: take a real one from bytes that are not an AgentMessage.
        var parse = Assert.Throws<InvalidProtocolBufferException>(() => AgentMessage.Parser.ParseFrom([0x00, 0x01]));
        Assert.False(TransportEnds.IsTransportEnd(parse));
        Assert.False(TransportEnds.IsTransportEnd(new IOException("reading failed", parse)));
        Assert.False(TransportEnds.IsTransportEnd(new ConnectionAbortedException("aborted", parse)));
        Assert.False(TransportEnds.IsTransportEnd(new InvalidOperationException("Unexpected end of content while reading the message content.")));
    }
}
