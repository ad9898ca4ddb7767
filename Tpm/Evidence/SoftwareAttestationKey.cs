using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// A software stand-in for a TPM attestation key: an RSA-2048 or ECC P-256/P-384 key with an AK-style public area
/// that produces spec-exact TPMS_ATTEST quote messages and TPMT_SIGNATUREs. For tests and the fleet load generator:
/// the span-based <see cref="WriteQuoteMessage"/> and <see cref="Sign(ReadOnlySpan{byte}, Span{byte})"/> allocate
/// nothing of their own. It proves nothing about a platform — its private key lives in this process.
/// Instances hold no mutable state of their own and may be shared between threads (the load generator does).
/// </summary>
public sealed class SoftwareAttestationKey : IDisposable
{
    /// <summary>fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign, as tpm2_createak sets them.</summary>
    public const TpmObjectAttributes AkAttributes = TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent
        | TpmObjectAttributes.SensitiveDataOrigin | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.Restricted
        | TpmObjectAttributes.Sign;

    private static readonly ConditionalWeakTable<PcrSelection, byte[]> MarshalledSelections = new();

    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly int _fieldSize;
    private readonly HashAlgorithmName _hashName;

    private SoftwareAttestationKey(RSA? rsa, ECDsa? ecdsa, TpmPublic publicArea, byte[] endorsementKeyName)
    {
        _rsa = rsa;
        _ecdsa = ecdsa;
        Public = publicArea;
        Name = publicArea.ComputeName();
        EndorsementKeyName = endorsementKeyName.ToArray();
        QualifiedName = QualifiedSigner.OfKeyUnderEk(EndorsementKeyName, Name);
        AttestationKey = AttestationKeyPublic.FromTpmPublic(publicArea);
        _hashName = TpmHash.ToHashAlgorithmName(publicArea.SchemeHash);
        _fieldSize = publicArea.IsEcc ? publicArea.EccX.Length : 0;
        SignatureSize = publicArea.IsRsa ? 6 + publicArea.RsaModulus.Length : 4 + 2 * (2 + _fieldSize);
    }

    /// <summary>The AK public area (TPMT_PUBLIC) a verifier is given.</summary>
    public TpmPublic Public { get; }

    public AttestationKeyPublic AttestationKey { get; }

    /// <summary>Name(AK) = nameAlg ‖ H(TPMT_PUBLIC).</summary>
    public byte[] Name { get; }

    /// <summary>The Name of the EK this key pretends to live under.</summary>
    public byte[] EndorsementKeyName { get; }

    /// <summary>QN(AK) under the EK: what goes into qualifiedSigner.</summary>
    public byte[] QualifiedName { get; }

    public TpmAlgorithm Scheme => Public.Scheme;
    public TpmAlgorithm Hash => Public.SchemeHash;

    /// <summary>Exact length of every TPMT_SIGNATURE this key writes.</summary>
    public int SignatureSize { get; }

    /// <summary>An RSA key (2048 bits unless told otherwise) signing with RSASSA or RSAPSS (salt = hash length, like libtpms).</summary>
    public static SoftwareAttestationKey CreateRsa(ReadOnlySpan<byte> endorsementKeyName, TpmAlgorithm scheme = TpmAlgorithm.RsaSsa,
        TpmAlgorithm hash = TpmAlgorithm.Sha256, int keyBits = 2048, TpmObjectAttributes attributes = AkAttributes)
    {
        if (scheme is not (TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss))
            throw new ArgumentException($"an RSA AK signs with RSASSA or RSAPSS, not {scheme}", nameof(scheme));
        var rsa = RSA.Create(keyBits);
        var p = rsa.ExportParameters(false);
        uint exponent = 0;
        foreach (var b in p.Exponent!)
            exponent = exponent << 8 | b;
        var publicArea = new TpmPublic
        {
            Type = TpmAlgorithm.Rsa, NameAlg = TpmAlgorithm.Sha256, Attributes = attributes,
            Scheme = scheme, SchemeHash = hash, RsaKeyBits = (ushort)keyBits,
            RsaExponent = exponent == 65537 ? 0 : exponent, RsaModulus = p.Modulus!,
        };
        return new SoftwareAttestationKey(rsa, null, publicArea, endorsementKeyName.ToArray());
    }

    /// <summary>An ECC key on P-256 (or P-384) signing with ECDSA.</summary>
    public static SoftwareAttestationKey CreateEcc(ReadOnlySpan<byte> endorsementKeyName, TpmEccCurve curve = TpmEccCurve.NistP256,
        TpmAlgorithm hash = TpmAlgorithm.Sha256, TpmObjectAttributes attributes = AkAttributes)
    {
        var named = curve switch
        {
            TpmEccCurve.NistP256 => ECCurve.NamedCurves.nistP256,
            TpmEccCurve.NistP384 => ECCurve.NamedCurves.nistP384,
            _ => throw new ArgumentException($"curve {curve} is not supported for a software AK", nameof(curve)),
        };
        var ecdsa = ECDsa.Create(named);
        var q = ecdsa.ExportParameters(false).Q;
        var publicArea = new TpmPublic
        {
            Type = TpmAlgorithm.Ecc, NameAlg = TpmAlgorithm.Sha256, Attributes = attributes,
            Scheme = TpmAlgorithm.EcDsa, SchemeHash = hash, Curve = curve, EccX = q.X!, EccY = q.Y!,
        };
        return new SoftwareAttestationKey(null, ecdsa, publicArea, endorsementKeyName.ToArray());
    }

    /// <summary>Bytes <see cref="WriteQuoteMessage"/> needs for this nonce, selection and digest.</summary>
    public int QuoteMessageSize(int nonceLength, PcrSelection selection, int pcrDigestLength) =>
        4 + 2 + 2 + QualifiedName.Length + 2 + nonceLength + TpmsClockInfo.Size + 8 + MarshalledSelection(selection).Length + 2 + pcrDigestLength;

    /// <summary>Writes a TPMS_ATTEST of type quote, as TPM2_Quote would with this key; returns the bytes written.</summary>
    public int WriteQuoteMessage(Span<byte> destination, ReadOnlySpan<byte> nonce, TpmsClockInfo clock, ulong firmwareVersion,
        PcrSelection selection, ReadOnlySpan<byte> pcrDigest)
    {
        var selectionBytes = MarshalledSelection(selection);
        int size = QuoteMessageSize(nonce.Length, selection, pcrDigest.Length);
        if (destination.Length < size)
            throw new ArgumentException($"the quote needs {size} bytes, the destination has {destination.Length}", nameof(destination));
        if (nonce.Length > TpmsAttest.MaxExtraDataBytes || pcrDigest.Length > TpmsAttest.MaxDigestBytes)
            throw new ArgumentException("nonce or pcrDigest is longer than a TPM allows");
        int at = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[at..], TpmsAttest.TpmGeneratedValue);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(at += 4)..], (ushort)TpmStructureTag.AttestQuote);
        at += 2;
        at += WriteSized(destination[at..], QualifiedName);
        at += WriteSized(destination[at..], nonce);
        BinaryPrimitives.WriteUInt64BigEndian(destination[at..], clock.Clock);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(at += 8)..], clock.ResetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(at += 4)..], clock.RestartCount);
        destination[at += 4] = clock.Safe ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64BigEndian(destination[(at += 1)..], firmwareVersion);
        at += 8;
        selectionBytes.CopyTo(destination[at..]);
        at += selectionBytes.Length;
        at += WriteSized(destination[at..], pcrDigest);
        return at;
    }

    /// <summary>Signs <paramref name="message"/> and writes the TPMT_SIGNATURE; returns <see cref="SignatureSize"/>.</summary>
    public int Sign(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        if (destination.Length < SignatureSize)
            throw new ArgumentException($"the signature needs {SignatureSize} bytes, the destination has {destination.Length}", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)Scheme);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Hash);
        if (_rsa is not null)
        {
            int k = Public.RsaModulus.Length;
            BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)k);
            var padding = Scheme == TpmAlgorithm.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
            if (!_rsa.TrySignData(message, destination.Slice(6, k), _hashName, padding, out int written) || written != k)
                throw new CryptographicException($"RSA signing produced {written} bytes instead of {k}");
            return SignatureSize;
        }
        Span<byte> rs = stackalloc byte[2 * _fieldSize];
        if (!_ecdsa!.TrySignData(message, rs, _hashName, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out int length) || length != rs.Length)
            throw new CryptographicException($"ECDSA signing produced {length} bytes instead of {rs.Length}");
        int at = 4;
        at += WriteSized(destination[at..], rs[.._fieldSize]);
        WriteSized(destination[at..], rs[_fieldSize..]);
        return SignatureSize;
    }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[SignatureSize];
        Sign(message, signature);
        return signature;
    }

    /// <summary>A quote over <paramref name="values"/> for <paramref name="selection"/> with <paramref name="nonce"/> as extraData.</summary>
    public SoftwareQuote Quote(ReadOnlySpan<byte> nonce, PcrSelection selection, PcrValues values, TpmsClockInfo clock, ulong firmwareVersion = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Quote(nonce, selection, values.ComputeDigest(selection, Hash), clock, firmwareVersion);
    }

    /// <summary>A quote with a precomputed pcrDigest (the load generator reuses one digest for many quotes).</summary>
    public SoftwareQuote Quote(ReadOnlySpan<byte> nonce, PcrSelection selection, ReadOnlySpan<byte> pcrDigest, TpmsClockInfo clock, ulong firmwareVersion = 0)
    {
        var message = new byte[QuoteMessageSize(nonce.Length, selection, pcrDigest.Length)];
        WriteQuoteMessage(message, nonce, clock, firmwareVersion, selection, pcrDigest);
        return new SoftwareQuote(message, Sign(message));
    }

    /// <summary>Signs any TPMS_ATTEST (a certify, a quote with odd fields) as this key would: for negative tests.</summary>
    public SoftwareQuote SignAttest(TpmsAttest attest)
    {
        ArgumentNullException.ThrowIfNull(attest);
        var message = attest.ToBytes();
        return new SoftwareQuote(message, Sign(message));
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }

    private static byte[] MarshalledSelection(PcrSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return MarshalledSelections.GetValue(selection, s => s.ToBytes());
    }

    private static int WriteSized(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)value.Length);
        value.CopyTo(destination[2..]);
        return 2 + value.Length;
    }
}
