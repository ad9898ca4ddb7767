using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Tests.Unit;

public sealed class ActivationProofTests
{
    [Fact]
    public void The_proof_is_HMAC_SHA256_over_the_big_endian_session_id_and_the_node_name()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var session = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        byte[] message = [.. Convert.FromHexString("00112233445566778899aabbccddeeff"), .. Encoding.UTF8.GetBytes("edge-ü")];
        var expected = HMACSHA256.HashData(secret, message);
        Assert.Equal(expected, ActivationProof.Compute(secret, session, "edge-ü"));
        Assert.NotEqual(expected, ActivationProof.Compute(secret, session, "edge-u"));
        Assert.NotEqual(expected, ActivationProof.Compute(secret, Guid.NewGuid(), "edge-ü"));
    }
}
