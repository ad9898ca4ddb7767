using System.Security.Cryptography;
using System.Text;

namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>
/// The activation proof the verifier expects: HMAC-SHA256(secret, session id's 16 bytes big-endian ‖ UTF-8 node name).
/// The agent depends on the TPM layer only, so it carries its own copy; a test pins it to the verifier's.
/// </summary>
public static class ActivationProofHmac
{
    public static byte[] Compute(ReadOnlySpan<byte> secret, Guid sessionId, string nodeName)
    {
        var name = Encoding.UTF8.GetBytes(nodeName);
        var message = new byte[16 + name.Length];
        sessionId.TryWriteBytes(message, bigEndian: true, out _);
        name.CopyTo(message, 16);
        return HMACSHA256.HashData(secret, message);
    }
}
