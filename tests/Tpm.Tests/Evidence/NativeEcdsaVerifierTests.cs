using System.Numerics;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>
/// The per-thread OpenSSL ECDSA path must judge exactly as .NET's ECDsa does (the reference: a key built per AK),
/// refuse what that key import refuses, and stay correct across threads.
/// </summary>
public sealed class NativeEcdsaVerifierTests
{
    public static TheoryData<TpmEccCurve> Curves => [.. TpmEccCurves.Supported];

    [Fact]
    public void It_is_available_here_so_quotes_take_the_path_without_a_key_per_node()
    {
        // This machine and CI run Debian 12 (OpenSSL 3): if this fails, every ECC node costs a .NET key again.
        Assert.True(NativeEcdsaVerifier.IsAvailable, "libcrypto.so.3 did not load or disagreed with .NET's ECDsa in the self-test");
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void It_agrees_with_dotnet_on_valid_and_mutated_signatures(TpmEccCurve curve)
    {
        for (var i = 0; i < 40; i++)
        {
            using var ecdsa = ECDsa.Create(curve.ToNamedCurve());
            using var other = ECDsa.Create(curve.ToNamedCurve());
            var q = ecdsa.ExportParameters(false).Q;
            var digest = RandomNumberGenerator.GetBytes(i % 2 == 0 ? 32 : 48);
            var signature = ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var half = signature.Length / 2;

            var cases = new List<(string Name, byte[] Digest, byte[] Signature)>
            {
                ("as signed", digest, signature),
                ("digest changed", Flip(digest, i % digest.Length), signature),
                ("r changed", digest, Flip(signature, i % half)),
                ("s changed", digest, Flip(signature, half + i % half)),
                ("r and s swapped", digest, [.. signature.AsSpan(half), .. signature.AsSpan(0, half)]),
                ("another key's signature", digest, other.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            };
            foreach (var (name, d, sig) in cases)
            {
                var expected = ecdsa.VerifyHash(d, sig, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                var outcome = NativeEcdsaVerifier.Verify(curve, q.X, q.Y, d, sig.AsSpan(0, half), sig.AsSpan(half));
                Assert.True(expected == (outcome == NativeEcdsaOutcome.Valid), $"{curve} {name}: .NET says {expected}, native says {outcome}");
                Assert.NotEqual(NativeEcdsaOutcome.PointNotOnCurve, outcome);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void R_or_s_of_zero_or_not_below_the_order_is_invalid(TpmEccCurve curve)
    {
        var (q, digest, r, s) = SignedDigest(curve);
        var order = Order(curve);
        var rPlusOrder = ToBigEndian(new BigInteger(r, isUnsigned: true, isBigEndian: true) + order);

        foreach (var (name, badR, badS) in new (string, byte[], byte[])[]
        {
            ("r = 0", [0], s),
            ("s = 0", r, []),
            ("r = n", ToBigEndian(order), s),
            ("s = n", r, ToBigEndian(order)),
            ("r + n (same residue, out of range)", rPlusOrder, s),
            ("r longer than the field", [0xFF, .. r], s),
        })
        {
            Assert.True(NativeEcdsaOutcome.Invalid == NativeEcdsaVerifier.Verify(curve, q.X, q.Y, digest, badR, badS), name);
        }
        Assert.Equal(NativeEcdsaOutcome.Valid, NativeEcdsaVerifier.Verify(curve, q.X, q.Y, digest, r, s));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void A_point_off_the_curve_or_a_coordinate_not_below_the_prime_is_refused_as_dotnet_refuses_it(TpmEccCurve curve)
    {
        var (q, digest, r, s) = SignedDigest(curve);
        var prime = Prime(curve);
        var yPlusPrime = new BigInteger(q.Y, isUnsigned: true, isBigEndian: true) + prime;

        foreach (var (name, x, y) in new (string, byte[], byte[])[]
        {
            ("y changed", q.X!, Flip(q.Y!, q.Y!.Length - 1)),
            ("x changed", Flip(q.X!, 3), q.Y!),
            ("origin", new byte[q.X!.Length], new byte[q.Y!.Length]),
            ("x all ones", Enumerable.Repeat((byte)0xFF, q.X!.Length).ToArray(), q.Y!),
            ("y + p (reduces to the AK's own y)", q.X!, ToBigEndian(yPlusPrime)),
            ("empty coordinates", [], []),
        })
        {
            var dotnetRefuses = Assert.ThrowsAny<CryptographicException>(() =>
                ECDsa.Create(new ECParameters { Curve = curve.ToNamedCurve(), Q = new ECPoint { X = Pad(x, q.X!.Length), Y = Pad(y, q.Y!.Length) } }));
            Assert.NotNull(dotnetRefuses);
            Assert.True(NativeEcdsaOutcome.PointNotOnCurve == NativeEcdsaVerifier.Verify(curve, x, y, digest, r, s), name);
        }
    }

    [Fact]
    public void Truncated_oversized_and_random_inputs_verify_only_when_they_are_the_signed_values()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdsa.ExportParameters(false).Q;
        var digest = RandomNumberGenerator.GetBytes(32);
        var signature = ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var random = new Random(20261201);
        var wrong = 0;
        for (var i = 0; i < 3000; i++)
        {
            byte[] Bytes(byte[] original) => random.Next(4) switch
            {
                0 => original,
                1 => original[..random.Next(original.Length)], // truncated
                2 => [.. original, .. RandomBytes(random, 1 + random.Next(40))], // oversized
                _ => RandomBytes(random, random.Next(80)),
            };
            var x = Bytes(q.X!);
            var y = Bytes(q.Y!);
            var d = Bytes(digest);
            var r = Bytes(signature[..32]);
            var s = Bytes(signature[32..]);
            // OpenSSL (like .NET) uses the leftmost bits of a digest longer than the order: an oversized digest whose
            // first 32 bytes are the signed ones still verifies. SignatureVerifier refuses a digest of the wrong length first.
            var sameSignedValue = x.SequenceEqual(q.X!) && y.SequenceEqual(q.Y!) && r.SequenceEqual(signature[..32])
                && s.SequenceEqual(signature[32..]) && d.Length >= 32 && d.AsSpan(0, 32).SequenceEqual(digest);
            var outcome = NativeEcdsaVerifier.Verify(TpmEccCurve.NistP256, x, y, d, r, s);
            if ((outcome == NativeEcdsaOutcome.Valid) != sameSignedValue)
                wrong++;
        }
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Verifications_on_many_threads_at_once_each_judge_their_own_key()
    {
        var keys = Enumerable.Range(0, 16).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256)).ToArray();
        var points = keys.Select(k => k.ExportParameters(false).Q).ToArray();
        var digest = RandomNumberGenerator.GetBytes(32);
        var signatures = keys.Select(k => k.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)).ToArray();
        var wrong = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var signer = i % keys.Length;
            // Every other call verifies under the next key: the signature must then fail, whatever the thread did before.
            var under = i % 2 == 0 ? signer : (signer + 1) % keys.Length;
            var outcome = NativeEcdsaVerifier.Verify(TpmEccCurve.NistP256, points[under].X, points[under].Y, digest,
                signatures[signer].AsSpan(0, 32), signatures[signer].AsSpan(32));
            if (outcome != (under == signer ? NativeEcdsaOutcome.Valid : NativeEcdsaOutcome.Invalid))
                Interlocked.Increment(ref wrong);
        });
        Assert.Equal(0, wrong);
        foreach (var key in keys)
            key.Dispose();
    }

    [Fact]
    public void A_curve_other_than_the_nist_three_is_an_argument_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            NativeEcdsaVerifier.Verify((TpmEccCurve)0x0010, new byte[32], new byte[32], new byte[32], [1], [1]));
    }

    /// <summary>A fresh key's public point, a random digest and .NET's signature over it.</summary>
    private static (ECPoint Q, byte[] Digest, byte[] R, byte[] S) SignedDigest(TpmEccCurve curve)
    {
        using var ecdsa = ECDsa.Create(curve.ToNamedCurve());
        var digest = RandomNumberGenerator.GetBytes(32);
        var signature = ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var half = signature.Length / 2;
        return (ecdsa.ExportParameters(false).Q, digest, signature[..half], signature[half..]);
    }

    private static BigInteger Order(TpmEccCurve curve) => Parse(curve switch
    {
        TpmEccCurve.NistP256 => "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
        TpmEccCurve.NistP384 => "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        _ => "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
    });

    private static BigInteger Prime(TpmEccCurve curve) => Parse(curve switch
    {
        TpmEccCurve.NistP256 => "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
        TpmEccCurve.NistP384 => "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
        _ => "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    });

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);

    private static byte[] ToBigEndian(BigInteger value) => value.ToByteArray(isUnsigned: true, isBigEndian: true);

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] Pad(byte[] bytes, int size) => bytes.Length >= size ? bytes : [.. new byte[size - bytes.Length], .. bytes];
}
