using System.Diagnostics;
using System.Security.Cryptography;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>
/// An edge device whose TPM is simulated in software, for benchmarks and the fleet load generator: a software EK
/// (ECC P-256, TCG template L-2 shape, <see cref="SoftwareCredentialActivator"/>), a software AK (ECC P-256 ECDSA-SHA256,
/// <see cref="SoftwareAttestationKey"/>) under that EK, and PCR banks measured by a firmware at every boot. It speaks the
/// agent's side of the grain protocol: <see cref="Hello"/>, <see cref="AnswerChallenge"/>, <see cref="AnswerQuote"/>.
/// Quotes carry the request's nonce, a TPM clock that only moves forward, fixed resetCount/restartCount (until
/// <see cref="Reboot"/>) and safe = YES. Thread-safe; a quote allocates only its message, signature and response.
/// It proves nothing about a platform — every private key lives in this process.
/// </summary>
public sealed class SimulatedDevice : IDisposable
{
    private readonly SoftwareCredentialActivator _ek;
    private readonly SoftwareAttestationKey _ak;
    private readonly SimulatedDeviceOptions _options;
    private readonly AgentHello _hello;
    private readonly long _clockStarted = Stopwatch.GetTimestamp();
    private readonly Lock _bootGate = new();
    private QuoteMaterial? _material;
    private long _lastClock;
    private uint _resetCount;
    private uint _restartCount;

    private SimulatedDevice(string nodeName, SoftwareCredentialActivator ek, SoftwareAttestationKey ak, SimulatedDeviceOptions options)
    {
        NodeName = nodeName;
        _ek = ek;
        _ak = ak;
        _options = options;
        _resetCount = options.ResetCount;
        _restartCount = options.RestartCount;
        _lastClock = (long)options.InitialClockMilliseconds;
        Pcrs = new SimulatedPcrBanks(options.PcrBanks);
        options.Firmware.MeasureInto(Pcrs);
        EkPublicSha256 = EkPublicHash.Compute(ek.EkPublic);
        // Copies: ToBytes() hands out the public areas' own cached arrays, and a hello may travel by reference in-process.
        _hello = new AgentHello(nodeName, ek.EkPublic.ToBytes().ToArray(), null, ak.Public.ToBytes().ToArray(),
            options.PcrBanks.Select(TpmHash.Describe).ToArray(), options.AgentVersion);
    }

    /// <summary>A new device with fresh keys (two P-256 key generations: about 0.1 ms).</summary>
    public static SimulatedDevice Create(string nodeName, SimulatedDeviceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        options ??= SimulatedDeviceOptions.Default;
        var ek = SoftwareCredentialActivator.CreateEcc();
        try
        {
            var ak = SoftwareAttestationKey.CreateEcc(ek.EkName);
            return new SimulatedDevice(nodeName, ek, ak, options);
        }
        catch
        {
            ek.Dispose();
            throw;
        }
    }

    public string NodeName { get; }

    public TpmPublic EkPublic => _ek.EkPublic;

    public TpmPublic AkPublic => _ak.Public;

    public byte[] AkName => _ak.Name;

    /// <summary>What an operator declares to pin this device (NodeDeclaration.EkPublicSha256).</summary>
    public string EkPublicSha256 { get; }

    public SimulatedPcrBanks Pcrs { get; }

    public uint ResetCount => Volatile.Read(ref _resetCount);

    public uint RestartCount => Volatile.Read(ref _restartCount);

    /// <summary>The declaration that admits this device under <paramref name="policyName"/> by its EK public hash.</summary>
    public NodeDeclaration Declaration(string policyName) => new(NodeName, policyName, EkPublicSha256: EkPublicSha256);

    /// <summary>The agent's hello: EK and AK as marshalled TPMT_PUBLIC, no EK certificate, the PCR banks. Shared instance.</summary>
    public AgentHello Hello() => _hello;

    /// <summary>TPM2_ActivateCredential on the grain's challenge, then the proof the grain expects.</summary>
    /// <exception cref="CredentialException">The challenge was not made for this EK and AK (the TPM would refuse it too).</exception>
    public ActivationProof AnswerChallenge(ActivationChallenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var secret = _ek.Activate(_ak.Name, challenge.CredentialBlob ?? [], challenge.EncryptedSecret ?? []);
        try
        {
            return new ActivationProof(challenge.SessionId, ActivationProof.Compute(secret, challenge.SessionId, NodeName));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// A credential delivery as an agent handles it, without files: ActivateCredential (software) releases K, K opens the
    /// payload bound to this node and AK, the bundle must parse. Stored = all of that worked; otherwise the error.
    /// </summary>
    public CredentialAck AcceptCredentials(CredentialDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        try
        {
            var key = _ek.Activate(_ak.Name, delivery.CredentialBlob ?? [], delivery.EncryptedSecret ?? []);
            byte[] plain;
            try
            {
                plain = CredentialEnvelope.Open(key, NodeName, _ak.Name, delivery.Nonce ?? [], delivery.Ciphertext ?? []);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
            CredentialBundle.Parse(plain);
            CryptographicOperations.ZeroMemory(plain);
            return new CredentialAck(delivery.Generation, true, null);
        }
        catch (Exception e) when (e is CredentialException or CredentialPayloadException)
        {
            return new CredentialAck(delivery.Generation, false, e.Message);
        }
    }

    /// <summary>TPM2_Quote over the requested selection with the request's nonce, plus the PCR values it covers.</summary>
    /// <exception cref="ArgumentException">The request is one a TPM refuses: nonce over 66 bytes, unknown selection, bank not allocated.</exception>
    public QuoteResponse AnswerQuote(QuoteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nonce = request.Nonce ?? [];
        if (nonce.Length > TpmsAttest.MaxExtraDataBytes)
            throw new ArgumentException($"the nonce has {nonce.Length} bytes; TPM2_Quote takes at most {TpmsAttest.MaxExtraDataBytes} of qualifying data", nameof(request));
        QuoteMaterial material;
        TpmsClockInfo clock;
        lock (_bootGate)
        {
            // Counters, clock and PCR values from one boot: a reboot cannot slip between them.
            material = Material(request.PcrSelection ?? "");
            clock = new TpmsClockInfo(NextClock(), _resetCount, _restartCount, Safe: true);
        }
        var quote = _ak.Quote(nonce, material.Selection, material.PcrDigest, clock, _options.FirmwareVersion);
        return new QuoteResponse(request.RequestId, quote.Message, quote.Signature, material.SelectionText, material.Digests, 0, null);
    }

    /// <summary>Measures <paramref name="component"/> into <paramref name="pcr"/> of every bank (a changed boot component).</summary>
    public void Measure(int pcr, string component) => Pcrs.Measure(pcr, System.Text.Encoding.UTF8.GetBytes(component));

    /// <summary>A TPM Reset: resetCount + 1, restartCount 0, PCRs reset and measured by the firmware again. The clock keeps running.</summary>
    public void Reboot()
    {
        lock (_bootGate)
        {
            Pcrs.Reset();
            _options.Firmware.MeasureInto(Pcrs);
            _resetCount++;
            _restartCount = 0;
        }
    }

    public void Dispose()
    {
        _ek.Dispose();
        _ak.Dispose();
    }

    private QuoteMaterial Material(string requestedText)
    {
        var cached = _material;
        var version = Pcrs.Version;
        if (cached is not null && cached.PcrVersion == version && string.Equals(cached.RequestedText, requestedText, StringComparison.Ordinal))
            return cached;
        var selection = PcrSelectionCache.Get(requestedText);
        var (readVersion, digests) = Pcrs.Read(selection);
        using var hasher = TpmHash.CreateIncremental(_ak.Hash);
        foreach (var digest in digests)
            hasher.AppendData(digest);
        var material = new QuoteMaterial(requestedText, selection, selection.ToString(), readVersion, digests, hasher.GetHashAndReset());
        _material = material;
        return material;
    }

    /// <summary>Milliseconds since "manufacture", advancing in real time and never repeating a smaller value.</summary>
    private ulong NextClock()
    {
        var now = _options.InitialClockMilliseconds + (ulong)Stopwatch.GetElapsedTime(_clockStarted).TotalMilliseconds;
        var last = (ulong)_lastClock;
        if (now < last)
            now = last;
        _lastClock = (long)now;
        return now;
    }
}
