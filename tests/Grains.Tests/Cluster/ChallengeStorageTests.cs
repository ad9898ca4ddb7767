using System.Security.Cryptography;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Tests.Support;
using StackExchange.Redis;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// A pending challenge's proof is a bearer value: whoever presents it activates the AK. So the store (and its AOF and
/// backups) must never hold it — only its SHA-256 — and activation must still accept the right proof and refuse others.
/// </summary>
public sealed class ChallengeStorageTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    [Fact]
    public async Task The_store_holds_only_a_hash_of_the_expected_proof_and_activation_still_checks_it()
    {
        var factory = fixture.Factory;
        await TestPolicies.SetAsync(factory, TestPolicies.Fast("stored-proof"));
        await using var agent = await SwtpmAgent.StartAsync("edge-stored-proof", factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "stored-proof", EkPublicSha256: agent.EkPublicSha256));

        // A wrong proof still fails.
        var first = await agent.SayHelloAsync();
        Assert.True(first.Accepted, first.Detail);
        var wrong = await agent.Grain.ActivateAsync(new ActivationProof(first.Challenge!.SessionId, RandomNumberGenerator.GetBytes(32)), agent.Reference);
        Assert.Equal(NodeReasons.ProofInvalid, wrong.ReasonCode);

        var hello = await agent.SayHelloAsync();
        Assert.True(hello.Accepted, hello.Detail);
        var proof = await agent.ProveAsync(hello.Challenge!);

        var stored = await DumpStoreAsync(fixture.Cluster.Options.Storage.GarnetPort);
        // The pending challenge is in the store (its AK and the proof's hash are found, in whatever encoding the
        // grain storage uses), but the proof itself is not, in any of the usual encodings.
        Assert.True(ContainsAnyEncoding(stored, agent.AkPublic.ToBytes()), "the pending challenge (with its AK) was not found in the store");
        Assert.True(ContainsAnyEncoding(stored, SHA256.HashData(proof.Proof)), "the hash of the expected proof was not found in the store");
        Assert.False(ContainsAnyEncoding(stored, proof.Proof), "the expected proof itself is readable in the store");

        var activated = await agent.Grain.ActivateAsync(proof, agent.Reference);
        Assert.True(activated.Accepted, $"{activated.ReasonCode}: {activated.Detail}");
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
    }

    private static bool ContainsAnyEncoding(IReadOnlyList<byte[]> values, byte[] secret)
    {
        var encodings = new[]
        {
            secret,
            System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(secret)),
            System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(secret)),
            System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret)),
        };
        return values.Any(v => encodings.Any(e => v.AsSpan().IndexOf(e) >= 0));
    }

    /// <summary>
    /// The binary inside a grain state record ('o' + Orleans binary in base64, Silo/Storage/TaggedGrainStateSerializer):
    /// base64 of the whole record hides a value's own base64 unless it happens to align, so search the decoded bytes too.
    /// </summary>
    private static IEnumerable<byte[]> DecodedGrainState(byte[] value)
    {
        if (value.Length > 1 && value[0] == (byte)'o')
        {
            var decoded = new byte[value.Length];
            if (System.Buffers.Text.Base64.DecodeFromUtf8(value.AsSpan(1), decoded, out _, out var written) == System.Buffers.OperationStatus.Done)
                yield return decoded[..written];
        }
    }

    /// <summary>Every string, hash field and value, and list item in the store, as raw bytes.</summary>
    private static async Task<IReadOnlyList<byte[]>> DumpStoreAsync(int port)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase();
        var values = new List<byte[]>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            values.Add(((byte[]?)key)!);
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String:
                    values.Add((byte[])(await db.StringGetAsync(key))!);
                    break;
                case RedisType.Hash:
                    foreach (var entry in await db.HashGetAllAsync(key))
                    {
                        values.Add((byte[])entry.Name!);
                        values.Add((byte[])entry.Value!);
                        values.AddRange(DecodedGrainState((byte[])entry.Value!));
                    }
                    break;
                case RedisType.List:
                    values.AddRange((await db.ListRangeAsync(key)).Select(v => (byte[])v!));
                    break;
            }
        }
        return values;
    }
}
