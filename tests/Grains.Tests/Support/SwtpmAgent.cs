using System.Collections.Concurrent;
using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>
/// A test agent backed by a real swtpm: says hello with the TPM's EK, EK certificate and a TPM-made AK, runs
/// ActivateCredential on the grain's challenge, and answers quote requests with TPM2_Quote + PCR_Read through an
/// observer reference (the role the Gateway plays for a real agent). It can go silent, answer late, replay old
/// responses or tamper with them, and its TPM can be extended and rebooted.
/// </summary>
public sealed class SwtpmAgent : IAgentChannel, IAsyncDisposable
{
    private readonly SemaphoreSlim _tpmLock = new(1, 1);
    private readonly bool _ownsTpm;
    private TpmClient _client;
    private EndorsementKey _ek;
    private AttestationKey _ak;
    private readonly AttestationKeyBlob _akBlob;
    private IAgentChannel? _reference;
    private IGrainFactory _factory;

    private SwtpmAgent(string nodeName, IGrainFactory factory, SwtpmInstance tpm, bool ownsTpm, TpmClient client,
        EndorsementKey ek, AttestationKeyBlob akBlob, AttestationKey ak, byte[] ekCertificate)
    {
        NodeName = nodeName;
        _factory = factory;
        Tpm = tpm;
        _ownsTpm = ownsTpm;
        _client = client;
        _ek = ek;
        _akBlob = akBlob;
        _ak = ak;
        EkCertificate = ekCertificate;
    }

    public string NodeName { get; }
    public SwtpmInstance Tpm { get; }
    public byte[] EkCertificate { get; }
    public TpmPublic EkPublic => _ek.Public;
    public TpmPublic AkPublic => _ak.Public;
    public string EkPublicSha256 => EkPublicHash.Compute(_ek.Public);

    public AgentBehaviour Behaviour { get; set; } = AgentBehaviour.Answer;
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>
    /// Plays an overloaded gateway: each answer is stamped received as soon as it is made (<see cref="QuoteResponse.ReceivedAt"/>),
    /// then held this long before it reaches the grain.
    /// </summary>
    public TimeSpan RelayDelay { get; set; }
    public Func<QuoteResponse, QuoteResponse>? Tamper { get; set; }

    /// <summary>The device's event log as it is now (null: the device has none); quotes carry it from the requested offset.</summary>
    public byte[]? EventLog { get; set; }

    /// <summary>What each answer carried of the log: (offset, bytes).</summary>
    public ConcurrentQueue<(long Offset, int Length)> EventLogSent { get; } = new();

    public ConcurrentQueue<QuoteRequest> Requests { get; } = new();
    public ConcurrentQueue<Submission> Submissions { get; } = new();
    public ConcurrentQueue<(string Code, string Detail)> Revocations { get; } = new();
    public ConcurrentQueue<QuoteResponse> Held { get; } = new();
    public ConcurrentQueue<CredentialDelivery> Deliveries { get; } = new();
    public ConcurrentQueue<(CredentialAck Ack, OperationResult? Result)> Acks { get; } = new();

    /// <summary>Whether deliveries are opened with the TPM and acknowledged (off by default: most tests watch Attested).</summary>
    public bool AcknowledgeCredentials { get; set; }

    /// <summary>When set, what the agent acknowledges instead of opening the delivery (e.g. a wrong generation, stored=false).</summary>
    public Func<CredentialDelivery, CredentialAck>? AckOverride { get; set; }
    public QuoteResponse? LastAnswered { get; private set; }

    /// <summary>Whether a <c>reset</c> from the grain makes this agent say hello and activate again (as a real agent does).</summary>
    public bool RejoinOnReset { get; set; } = true;

    /// <summary>Outcomes of the re-enrollments after resets (activation results, or the hello's refusal).</summary>
    public ConcurrentQueue<OperationResult> Rejoins { get; } = new();

    public IEdgeNodeGrain Grain => _factory.GetGrain<IEdgeNodeGrain>(NodeName);

    /// <summary>This agent as the grain sees it: an observer reference made on the agent's cluster client.</summary>
    public IAgentChannel Reference => _reference ??= _factory.CreateObjectReference<IAgentChannel>(this);

    public static async Task<SwtpmAgent> StartAsync(string nodeName, IGrainFactory factory, SwtpmInstance? tpm = null)
    {
        var ownsTpm = tpm is null;
        tpm ??= await SwtpmInstance.StartAsync();
        var client = new TpmClient(new SwtpmTransport("127.0.0.1", tpm.Port));
        var ek = await client.GetEndorsementKeyAsync();
        var akBlob = await client.CreateAttestationKeyAsync(ek);
        var ak = await client.LoadAttestationKeyAsync(ek, akBlob);
        var certificate = await File.ReadAllBytesAsync(tpm.EkCertificatePath);
        return new SwtpmAgent(nodeName, factory, tpm, ownsTpm, client, ek, akBlob, ak, certificate);
    }

    /// <summary>Switches to another cluster client (a new gateway connection): the next <see cref="Reference"/> is made on it.</summary>
    public void UseClient(IGrainFactory factory)
    {
        _factory = factory;
        _reference = null;
    }

    public AgentHello Hello(byte[]? akPublic = null, byte[]? ekPublic = null, bool withCertificate = true) =>
        new(NodeName, ekPublic ?? _ek.Public.ToBytes(), withCertificate ? EkCertificate : null, akPublic ?? _ak.Public.ToBytes(), ["sha256"], "swtpm-test-agent/1");

    public Task<HelloResult> SayHelloAsync(AgentHello? hello = null) => Grain.HelloAsync(hello ?? Hello());

    /// <summary>Runs TPM2_ActivateCredential on the challenge and sends the proof with this agent's channel.</summary>
    public async Task<OperationResult> ActivateAsync(ActivationChallenge challenge) =>
        await Grain.ActivateAsync(await ProveAsync(challenge), Reference);

    /// <summary>The proof for <paramref name="challenge"/> (TPM2_ActivateCredential, then the HMAC), without sending it.</summary>
    public async Task<ActivationProof> ProveAsync(ActivationChallenge challenge)
    {
        byte[] secret;
        await _tpmLock.WaitAsync();
        try
        {
            secret = await _client.ActivateCredentialAsync(_ak, _ek, challenge.CredentialBlob, challenge.EncryptedSecret);
        }
        finally
        {
            _tpmLock.Release();
        }
        return new ActivationProof(challenge.SessionId, ActivationProof.Compute(secret, challenge.SessionId, NodeName));
    }

    /// <summary>Hello and activation, both of which must be accepted.</summary>
    public async Task EnrollAsync()
    {
        var hello = await SayHelloAsync();
        Assert.True(hello.Accepted, $"hello refused: {hello.ReasonCode}: {hello.Detail}");
        var activated = await ActivateAsync(hello.Challenge!);
        Assert.True(activated.Accepted, $"activation refused: {activated.ReasonCode}: {activated.Detail}");
    }

    /// <summary>TPM2_Quote over the requested selection with the request's nonce, plus the PCR values read right after.</summary>
    public async Task<QuoteResponse> QuoteAsync(QuoteRequest request)
    {
        var selection = PcrSelection.ParseText(request.PcrSelection);
        await _tpmLock.WaitAsync();
        try
        {
            var quote = await _client.QuoteAsync(_ak, request.Nonce, selection);
            var pcrs = await _client.ReadPcrsAsync(selection);
            // As EdgeAgent/Device/EventLogSource does: from the offset asked, or all of it when the log is shorter (rewritten).
            var log = EventLog;
            long offset = log is not null && request.EventLogOffset >= 0 && request.EventLogOffset <= log.Length ? request.EventLogOffset : 0;
            var tail = log?[(int)offset..];
            if (tail is not null)
                EventLogSent.Enqueue((offset, tail.Length));
            return new QuoteResponse(request.RequestId, quote.Attest, quote.Signature, selection.ToString(),
                pcrs.Values.InOrder(selection).ToArray(), offset, tail);
        }
        finally
        {
            _tpmLock.Release();
        }
    }

    /// <summary>Extends sha256 PCR <paramref name="pcr"/> with SHA-256(<paramref name="measurement"/>), as firmware measuring a component would.</summary>
    public async Task ExtendAsync(int pcr, string measurement)
    {
        await _tpmLock.WaitAsync();
        try
        {
            await _client.ExtendPcrAsync(pcr, [(TpmAlgorithm.Sha256, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(measurement)))]);
        }
        finally
        {
            _tpmLock.Release();
        }
    }

    /// <summary>Extends the TPM as firmware and boot loader did for a synthetic log (its measurements, bank by bank).</summary>
    public async Task ExtendAsync(IEnumerable<OrleansAttest.Tpm.EventLog.BuiltMeasurement> measurements)
    {
        await _tpmLock.WaitAsync();
        try
        {
            foreach (var m in measurements)
                await _client.ExtendPcrAsync(m.PcrIndex, [.. m.Digests.Select(d => (d.Key, d.Value))]);
        }
        finally
        {
            _tpmLock.Release();
        }
    }

    public async Task<string> ReadPcrAsync(int pcr)
    {
        await _tpmLock.WaitAsync();
        try
        {
            var read = await _client.ReadPcrsAsync(PcrSelection.Single(TpmAlgorithm.Sha256, pcr));
            return Convert.ToHexStringLower(read.Get(TpmAlgorithm.Sha256, pcr));
        }
        finally
        {
            _tpmLock.Release();
        }
    }

    /// <summary>An orderly reboot: TPM2_Shutdown(CLEAR), restart swtpm (PCRs reset, resetCount + 1), reload the same AK.</summary>
    public async Task RebootAsync()
    {
        await _tpmLock.WaitAsync();
        try
        {
            var shutdown = new TpmCommand(TpmCommandCode.Shutdown);
            shutdown.Parameters.WriteUInt16(0);
            await _client.ExecuteAsync(shutdown);
            await _client.DisposeAsync();
            await Tpm.RestartAsync();
            _client = new TpmClient(new SwtpmTransport("127.0.0.1", Tpm.Port));
            _ek = await _client.GetEndorsementKeyAsync();
            _ak = await _client.LoadAttestationKeyAsync(_ek, _akBlob);
        }
        finally
        {
            _tpmLock.Release();
        }
    }

    Task IAgentChannel.RequestQuoteAsync(QuoteRequest request)
    {
        Requests.Enqueue(request);
        _ = Task.Run(() => AnswerAsync(request));
        return Task.CompletedTask;
    }

    Task IAgentChannel.RevokedAsync(string reasonCode, string detail)
    {
        Revocations.Enqueue((reasonCode, detail));
        // After an operator reset the binding is gone: a real agent reconnects (hello + activation), and so does this one.
        if (reasonCode == "reset" && RejoinOnReset)
            _ = Task.Run(RejoinAsync);
        return Task.CompletedTask;
    }

    Task IAgentChannel.DeliverCredentialsAsync(CredentialDelivery delivery)
    {
        Deliveries.Enqueue(delivery);
        if (AcknowledgeCredentials)
            _ = Task.Run(() => AcknowledgeAsync(delivery));
        return Task.CompletedTask;
    }

    /// <summary>When set, deliveries pass through it before the agent opens them (e.g. a flipped ciphertext bit).</summary>
    public Func<CredentialDelivery, CredentialDelivery>? TamperDelivery { get; set; }

    /// <summary>TPM2_ActivateCredential on a delivery's wrapped key with this agent's AK and EK: K, or the TPM's error.</summary>
    public async Task<byte[]> ActivateKeyAsync(CredentialDelivery delivery)
    {
        await _tpmLock.WaitAsync();
        try
        {
            return await _client.ActivateCredentialAsync(_ak, _ek, delivery.CredentialBlob, delivery.EncryptedSecret);
        }
        finally
        {
            _tpmLock.Release();
        }
    }

    /// <summary>ActivateCredential releases K, K opens the payload bound to this node and AK; the bundle inside, or the TPM's or envelope's error.</summary>
    public async Task<CredentialBundle> OpenAsync(CredentialDelivery delivery)
    {
        var key = await ActivateKeyAsync(delivery);
        return CredentialBundle.Parse(CredentialEnvelope.Open(key, NodeName, _ak.Public.ComputeName(), delivery.Nonce, delivery.Ciphertext));
    }

    private async Task AcknowledgeAsync(CredentialDelivery delivery)
    {
        CredentialAck ack;
        if (AckOverride is { } makeAck)
            ack = makeAck(delivery);
        else
        {
            try
            {
                await OpenAsync(TamperDelivery?.Invoke(delivery) ?? delivery);
                ack = new CredentialAck(delivery.Generation, true, null);
            }
            catch (Exception e)
            {
                ack = new CredentialAck(delivery.Generation, false, e.Message);
            }
        }
        try
        {
            Acks.Enqueue((ack, await Grain.AcknowledgeCredentialsAsync(ack)));
        }
        catch (Exception)
        {
            Acks.Enqueue((ack, null));
        }
    }

    private async Task RejoinAsync()
    {
        try
        {
            var hello = await SayHelloAsync();
            var result = hello.Accepted
                ? await ActivateAsync(hello.Challenge!)
                : OperationResult.Refused(hello.ReasonCode ?? "hello-refused", hello.Detail);
            Rejoins.Enqueue(result);
        }
        catch (Exception e)
        {
            Rejoins.Enqueue(OperationResult.Refused("rejoin-error", $"{e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task AnswerAsync(QuoteRequest request)
    {
        var behaviour = Behaviour;
        if (behaviour == AgentBehaviour.Silent)
            return;
        QuoteResponse? response = null;
        try
        {
            if (AnswerDelay > TimeSpan.Zero)
                await Task.Delay(AnswerDelay);
            var previous = LastAnswered;
            switch (behaviour)
            {
                case AgentBehaviour.ReplayPrevious when previous is not null:
                    response = previous;
                    break;
                case AgentBehaviour.ReplayQuoteUnderNewRequest when previous is not null:
                    response = previous with { RequestId = request.RequestId };
                    break;
                default:
                    response = await QuoteAsync(request);
                    LastAnswered = response;
                    if (behaviour == AgentBehaviour.Hold)
                    {
                        Held.Enqueue(response);
                        return;
                    }
                    if (behaviour == AgentBehaviour.Tamper && Tamper is { } tamper)
                        response = tamper(response);
                    break;
            }
            if (RelayDelay > TimeSpan.Zero)
            {
                response = response with { ReceivedAt = DateTimeOffset.UtcNow };
                await Task.Delay(RelayDelay);
            }
            var result = await Grain.SubmitQuoteAsync(response);
            Submissions.Enqueue(new Submission(response, result, null));
        }
        catch (Exception e)
        {
            // A silo may be dying under the test; the agent just records it, as a gateway would retry or drop.
            Submissions.Enqueue(new Submission(response ?? new QuoteResponse(request.RequestId, [], [], "", [], 0, null), null, e));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_reference is not null)
        {
            try
            {
                _factory.DeleteObjectReference<IAgentChannel>(_reference);
            }
            catch (Exception)
            {
                // The client may already be gone with its cluster.
            }
        }
        await _tpmLock.WaitAsync();
        try
        {
            // A shared swtpm has three transient object slots: free this agent's AK and EK for the next agent on it.
            if (!_ownsTpm)
            {
                await _ak.DisposeAsync();
                await _ek.DisposeAsync();
            }
            await _client.DisposeAsync();
        }
        finally
        {
            _tpmLock.Release();
        }
        if (_ownsTpm)
            await Tpm.DisposeAsync();
    }
}
