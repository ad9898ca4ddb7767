using System.Runtime.InteropServices;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// ECDSA verification on the NIST curves with the AK's point given per call, so that no OpenSSL key object lives per
/// node. A .NET ECDsa key per AK costs ~6 KB of native memory (an EVP_PKEY with its own copy of the curve); building
/// one per quote costs more than the verification (the import validates the point with a scalar multiplication).
/// Here each thread keeps one EC_KEY per curve and sets the AK's point into it before verifying — the same OpenSSL
/// verification .NET runs. Setting the point checks that it lies on the curve, which for these prime-order curves is
/// the whole public-key validation.
/// <para>Used only when libcrypto.so.3 loads and a self-test against .NET's own ECDsa passes on every curve
/// (<see cref="IsAvailable"/>); otherwise <see cref="SignatureVerifier"/> keeps a .NET key per AK.</para>
/// </summary>
internal static class NativeEcdsaVerifier
{
    private static readonly Lazy<bool> Available = new(SelfTest);

    [ThreadStatic]
    private static ThreadKeys? t_keys;

    /// <summary>True when OpenSSL 3's libcrypto is here and verifies exactly as .NET's ECDsa does (checked once).</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>
    /// Verifies (r, s) over <paramref name="digest"/> under the point (x, y) on <paramref name="curve"/>. Coordinates and
    /// r, s are big-endian of any length up to the field (leading zeros optional). Anything but a verified signature is
    /// not <see cref="NativeEcdsaOutcome.Valid"/>. Throws <see cref="CryptographicException"/> when OpenSSL cannot
    /// allocate, <see cref="ArgumentOutOfRangeException"/> for a curve other than P-256, P-384 or P-521.
    /// </summary>
    public static NativeEcdsaOutcome Verify(TpmEccCurve curve, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y,
        ReadOnlySpan<byte> digest, ReadOnlySpan<byte> r, ReadOnlySpan<byte> s)
    {
        var keys = t_keys ??= new ThreadKeys();
        return keys.Verify(CurveIndex(curve), x, y, digest, r, s);
    }

    private static int CurveIndex(TpmEccCurve curve) => curve switch
    {
        TpmEccCurve.NistP256 => 0,
        TpmEccCurve.NistP384 => 1,
        TpmEccCurve.NistP521 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(curve), curve, "only NIST P-256, P-384 and P-521"),
    };

    /// <summary>
    /// Signs with .NET on each curve and checks that this path accepts the signature and rejects a changed digest, a
    /// changed r, a point off the curve and a coordinate not below the field prime. False (never an exception) when
    /// libcrypto is missing or disagrees.
    /// </summary>
    private static bool SelfTest()
    {
        try
        {
            foreach (var curve in TpmEccCurves.Supported)
            {
                using var ecdsa = ECDsa.Create(curve.ToNamedCurve());
                var q = ecdsa.ExportParameters(false).Q;
                var digest = RandomNumberGenerator.GetBytes(32);
                var signature = ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                var half = signature.Length / 2;
                var r = signature.AsSpan(0, half);
                var s = signature.AsSpan(half);
                if (Verify(curve, q.X, q.Y, digest, r, s) != NativeEcdsaOutcome.Valid)
                    return false;
                digest[0] ^= 1;
                if (Verify(curve, q.X, q.Y, digest, r, s) != NativeEcdsaOutcome.Invalid)
                    return false;
                digest[0] ^= 1;
                var otherR = r.ToArray();
                otherR[^1] ^= 1;
                if (Verify(curve, q.X, q.Y, digest, otherR, s) != NativeEcdsaOutcome.Invalid)
                    return false;
                var offCurveY = q.Y!.ToArray();
                offCurveY[^1] ^= 1;
                if (Verify(curve, q.X, offCurveY, digest, r, s) != NativeEcdsaOutcome.PointNotOnCurve)
                    return false;
                var allOnes = Enumerable.Repeat((byte)0xFF, q.X!.Length).ToArray();
                if (Verify(curve, allOnes, q.Y, digest, r, s) != NativeEcdsaOutcome.PointNotOnCurve)
                    return false;
            }
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
            or CryptographicException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>One thread's OpenSSL objects: an EC_KEY and a point per curve, scratch numbers, one ECDSA_SIG.</summary>
    private sealed class ThreadKeys
    {
        private static readonly int[] Nids = [LibCrypto.NidPrime256V1, LibCrypto.NidSecp384R1, LibCrypto.NidSecp521R1];

        private readonly nint[] _groups = new nint[Nids.Length];
        private readonly nint[] _keys = new nint[Nids.Length];
        private readonly nint[] _points = new nint[Nids.Length];
        private readonly nint[] _primes = new nint[Nids.Length];
        private readonly nint _context;
        private readonly nint _x;
        private readonly nint _y;
        private readonly nint _signature;
        private readonly nint _r;
        private readonly nint _s;

        public ThreadKeys()
        {
            _context = Allocated(LibCrypto.BN_CTX_new(), "BN_CTX");
            _x = Allocated(LibCrypto.BN_new(), "BIGNUM");
            _y = Allocated(LibCrypto.BN_new(), "BIGNUM");
            _signature = Allocated(LibCrypto.ECDSA_SIG_new(), "ECDSA_SIG");
            _r = Allocated(LibCrypto.BN_new(), "BIGNUM");
            _s = Allocated(LibCrypto.BN_new(), "BIGNUM");
            // The signature owns r and s from here on; they stay ours to overwrite.
            if (LibCrypto.ECDSA_SIG_set0(_signature, _r, _s) != 1)
            {
                LibCrypto.BN_free(_r);
                LibCrypto.BN_free(_s);
                throw Failure("ECDSA_SIG_set0");
            }
        }

        public NativeEcdsaOutcome Verify(int curve, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y,
            ReadOnlySpan<byte> digest, ReadOnlySpan<byte> r, ReadOnlySpan<byte> s)
        {
            var key = KeyFor(curve);
            SetNumber(_x, x);
            SetNumber(_y, y);
            // OpenSSL reduces coordinates mod p; a coordinate ≥ p is a second encoding of a point, refused as .NET's import does.
            if (LibCrypto.BN_cmp(_x, _primes[curve]) >= 0 || LibCrypto.BN_cmp(_y, _primes[curve]) >= 0)
                return NativeEcdsaOutcome.PointNotOnCurve;
            if (LibCrypto.EC_POINT_set_affine_coordinates(_groups[curve], _points[curve], _x, _y, _context) != 1)
            {
                LibCrypto.ERR_clear_error();
                return NativeEcdsaOutcome.PointNotOnCurve;
            }
            if (LibCrypto.EC_KEY_set_public_key(key, _points[curve]) != 1)
                throw Failure("EC_KEY_set_public_key");
            SetNumber(_r, r);
            SetNumber(_s, s);
            // An empty digest is refused upstream; a null reference with length 0 would still be safe for OpenSSL.
            var verified = LibCrypto.ECDSA_do_verify(ref MemoryMarshal.GetReference(digest), digest.Length, _signature, key);
            if (verified == 1)
                return NativeEcdsaOutcome.Valid;
            LibCrypto.ERR_clear_error();
            return NativeEcdsaOutcome.Invalid;
        }

        private nint KeyFor(int curve)
        {
            if (_keys[curve] != 0)
                return _keys[curve];
            nint group = 0, point = 0, key = 0, prime = 0;
            try
            {
                group = Allocated(LibCrypto.EC_GROUP_new_by_curve_name(Nids[curve]), "EC_GROUP");
                prime = Allocated(LibCrypto.BN_new(), "BIGNUM");
                if (LibCrypto.EC_GROUP_get_curve(group, prime, 0, 0, _context) != 1)
                    throw Failure("EC_GROUP_get_curve");
                point = Allocated(LibCrypto.EC_POINT_new(group), "EC_POINT");
                key = Allocated(LibCrypto.EC_KEY_new(), "EC_KEY");
                if (LibCrypto.EC_KEY_set_group(key, group) != 1)
                    throw Failure("EC_KEY_set_group");
            }
            catch (CryptographicException)
            {
                LibCrypto.EC_KEY_free(key);
                LibCrypto.EC_POINT_free(point);
                LibCrypto.EC_GROUP_free(group);
                LibCrypto.BN_free(prime);
                throw;
            }
            _groups[curve] = group;
            _primes[curve] = prime;
            _points[curve] = point;
            return _keys[curve] = key;
        }

        private static void SetNumber(nint number, ReadOnlySpan<byte> bigEndian)
        {
            if (LibCrypto.BN_bin2bn(ref MemoryMarshal.GetReference(bigEndian), bigEndian.Length, number) == 0)
                throw Failure("BN_bin2bn");
        }

        private static nint Allocated(nint handle, string what) => handle != 0 ? handle : throw Failure($"{what} allocation");

        private static CryptographicException Failure(string call)
        {
            LibCrypto.ERR_clear_error();
            return new CryptographicException($"OpenSSL {call} failed");
        }

        // The thread that owned these is gone (thread statics die with it): free what OpenSSL allocated.
        ~ThreadKeys()
        {
            // Each free accepts null (0), so a constructor that failed half-way is freed as far as it got.
            for (var i = 0; i < Nids.Length; i++)
            {
                LibCrypto.EC_KEY_free(_keys[i]);
                LibCrypto.EC_POINT_free(_points[i]);
                LibCrypto.EC_GROUP_free(_groups[i]);
                LibCrypto.BN_free(_primes[i]);
            }
            LibCrypto.ECDSA_SIG_free(_signature);
            LibCrypto.BN_free(_x);
            LibCrypto.BN_free(_y);
            LibCrypto.BN_CTX_free(_context);
        }
    }
}
