using System.Security.Cryptography;
using OrleansAttest.EdgeAgent.Connection;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.Unit;

/// <summary>The agent's copy of the proof must be byte-for-byte the verifier's, or no agent could ever activate.</summary>
public sealed class ActivationProofHmacTests
{
    [Theory]
    [InlineData("edge-1")]
    [InlineData("a")]
    [InlineData("rack-7.site-b_edge-0042")]
    public void The_agent_proof_equals_the_verifier_proof(string node)
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var session = Guid.NewGuid();
        Assert.Equal(ActivationProof.Compute(secret, session, node), ActivationProofHmac.Compute(secret, session, node));
        Assert.NotEqual(ActivationProof.Compute(secret, session, node), ActivationProofHmac.Compute(secret, Guid.NewGuid(), node));
    }
}
