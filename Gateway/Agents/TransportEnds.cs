using Google.Protobuf;
using Microsoft.AspNetCore.Connections;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// Tells a stream that ended under the transport (the agent reset it, its link dropped, or the HTTP/2 connection it
/// shared faulted) from bytes that are not an AgentMessage. Only the second is bad input worth a refusal and a warning;
/// the first is a disconnect. A faulted connection reaches the reader as IOException → ConnectionAbortedException →
/// Kestrel's connection error, so the whole chain is looked at, not only its innermost exception.
/// </summary>
internal static class TransportEnds
{
    public static bool IsTransportEnd(Exception error)
    {
        var transport = false;
        for (var e = error; e is not null; e = e.InnerException)
        {
            // protobuf's parse errors are IOExceptions too: those stay malformed input, wherever they sit in the chain.
            if (e is InvalidProtocolBufferException)
                return false;
            if (e is ConnectionAbortedException)
                transport = true;
        }
        return transport || error.GetBaseException() is IOException;
    }
}
