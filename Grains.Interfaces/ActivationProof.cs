using System.Security.Cryptography;
using System.Text;

namespace OrleansAttest.Grains.Interfaces;

/// <summary>HMAC-SHA256(activated secret, SessionId bytes ‖ UTF-8 node name): proof that the AK lives in the EK's TPM.</summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.ActivationProof")]
public sealed record ActivationProof(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] byte[] Proof)
{
    /// <summary>
    /// The proof an agent sends and the verifier expects: HMAC-SHA256 keyed with the secret TPM2_ActivateCredential
    /// released, over the session id's 16 bytes in RFC 4122 (big-endian) order followed by the node name in UTF-8.
    /// </summary>
    public static byte[] Compute(ReadOnlySpan<byte> secret, Guid sessionId, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        var name = Encoding.UTF8.GetBytes(nodeName);
        var message = new byte[16 + name.Length];
        sessionId.TryWriteBytes(message, bigEndian: true, out _);
        name.CopyTo(message, 16);
        return HMACSHA256.HashData(secret, message);
    }
}
