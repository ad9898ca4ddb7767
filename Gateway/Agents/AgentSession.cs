using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using OrleansAttest.Gateway.Observability;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Protocol.V1;
using ContractProof = OrleansAttest.Grains.Interfaces.ActivationProof;
using ActivationProof = OrleansAttest.Protocol.V1.ActivationProof;
using QuoteResponse = OrleansAttest.Protocol.V1.QuoteResponse;
using CredentialAck = OrleansAttest.Protocol.V1.CredentialAck;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// One agent stream (DESIGN.md steps 2–6): Hello → challenge, proof → bound to the node's grain, then quote
/// responses relayed to the grain. The stream is bound only after the grain accepts the proof; before that no quote
/// response is routed. Any protocol violation ends this stream with a Refused message and touches nothing else.
/// </summary>
internal sealed class AgentSession(
    IAsyncStreamReader<AgentMessage> requests,
    IServerStreamWriter<GatewayMessage> responses,
    ServerCallContext context,
    IGrainFactory grains,
    GatewayOptions options,
    GatewayMetrics metrics,
    HandshakeLimiter handshakes,
    NodeHandshakes nodeHandshakes,
    RelayLimiter relays,
    TimeProvider time,
    ILogger logger,
    CancellationToken gatewayStopping)
{
    private readonly Channel<GatewayMessage> _outbound = Channel.CreateBounded<GatewayMessage>(
        new BoundedChannelOptions(Math.Max(1, options.OutboundQueueCapacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly OwedAnswers _owed = new();

    private string? _nodeName;
    private Guid? _sessionId;
    private IEdgeNodeGrain? _grain;
    private IAgentChannel? _reference;
    private AgentChannel? _keepAlive;
    private bool _bound;
    private bool _handshaking;
    private IDisposable? _nodeHandshake;

    private string Peer => context.Peer;

    public async Task RunAsync()
    {
        metrics.StreamOpened();
        var writer = WriteAllAsync();
        try
        {
            await ReadAllAsync();
        }
        finally
        {
            _outbound.Writer.TryComplete();
            EndHandshake();
            await FlushAsync(writer);
            await UnbindAsync();
            metrics.StreamClosed();
        }
    }

    private async Task ReadAllAsync()
    {
        // A stopping gateway ends its streams at once, so agents reconnect (to it or another) instead of waiting for a kill.
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, gatewayStopping);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(open.Token);
        handshake.CancelAfter(options.HandshakeTimeout);
        using var closing = open.Token.Register(_owed.Close);
        while (true)
        {
            // Once proven, the agent speaks only when asked: wait for an owed answer before reading (OwedAnswers says why).
            while (_bound && !_owed.TryTake())
            {
                if (!await _owed.WaitAsync())
                {
                    LogClosed(null);
                    return;
                }
            }
            var token = _bound ? open.Token : handshake.Token;
            bool more;
            try
            {
                more = await requests.MoveNext(token);
            }
            catch (Exception e) when (open.IsCancellationRequested)
            {
                LogClosed(e);
                return;
            }
            catch (OperationCanceledException) when (handshake.IsCancellationRequested && !_bound)
            {
                Refuse(GatewayReasons.HandshakeTimeout,
                    $"no valid Hello and activation proof within {options.HandshakeTimeout.TotalSeconds:0.#} s of opening the stream");
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                Refuse(GatewayReasons.MessageTooLarge, $"a message exceeds the limit of {options.MaxMessageBytes} bytes");
                return;
            }
            catch (Exception e) when (TransportEnds.IsTransportEnd(e))
            {
                // A killed agent, a dropped link or a faulted shared connection ends the stream: a disconnect, not bad input.
                logger.LogInformation("Agent stream from {Peer} (node {Node}) closed by the agent ({Detail})", Peer, _nodeName ?? "-", e.GetBaseException().Message);
                return;
            }
            catch (Exception e)
            {
                Refuse(GatewayReasons.MalformedMessage, $"the stream carried bytes that are not an AgentMessage: {e.GetBaseException().Message}");
                return;
            }
            if (!more)
                return;
            var message = requests.Current;
            if (!await HandleAsync(message, open.Token))
                return;
            // The reader keeps its last message as Current until the next read, which may be a whole interval away:
            // drop the body (quote, signature, PCR values) so only an empty message lives that long.
            message.ClearBody();
        }
    }

    /// <summary>The stream ended by cancellation: the agent reset it or its connection dropped, or the gateway is stopping.</summary>
    private void LogClosed(Exception? e)
    {
        if (context.CancellationToken.IsCancellationRequested)
            logger.LogInformation("Agent stream from {Peer} (node {Node}) closed by the agent ({Detail})", Peer, _nodeName ?? "-", e?.GetBaseException().Message ?? "stream reset or connection closed");
        else
            logger.LogInformation("Agent stream from {Peer} (node {Node}) closed: the gateway is stopping", Peer, _nodeName);
    }

    /// <summary>False when the stream must end (after a refusal).</summary>
    private Task<bool> HandleAsync(AgentMessage message, CancellationToken open) => message.BodyCase switch
    {
        AgentMessage.BodyOneofCase.Hello when _sessionId is null && !_bound => HelloAsync(message.Hello),
        AgentMessage.BodyOneofCase.ActivationProof when _sessionId is not null && !_bound => ActivateAsync(message.ActivationProof),
        AgentMessage.BodyOneofCase.QuoteResponse when _bound => SubmitAsync(message.QuoteResponse, open),
        AgentMessage.BodyOneofCase.QuoteResponse =>
            Task.FromResult(Refuse(GatewayReasons.NotActivated, "a quote response arrived before this stream's activation proof was accepted")),
        AgentMessage.BodyOneofCase.CredentialAck when _bound => AcknowledgeAsync(message.CredentialAck, open),
        AgentMessage.BodyOneofCase.CredentialAck =>
            Task.FromResult(Refuse(GatewayReasons.NotActivated, "a credential acknowledgement arrived before this stream's activation proof was accepted")),
        AgentMessage.BodyOneofCase.None =>
            Task.FromResult(Refuse(GatewayReasons.UnexpectedMessage, "the message carries none of Hello, ActivationProof, QuoteResponse or CredentialAck")),
        _ => Task.FromResult(Refuse(GatewayReasons.UnexpectedMessage,
            $"{message.BodyCase} is not expected {(_bound ? "after activation" : _sessionId is null ? "before Hello" : "after Hello and before the activation proof")}")),
    };

    private async Task<bool> HelloAsync(Hello hello)
    {
        if (!ProtocolVersions.IsSupported(hello.ProtocolVersion))
            return Refuse(GatewayReasons.ProtocolVersionUnsupported,
                $"protocol version {hello.ProtocolVersion} is not supported; this gateway speaks version {ProtocolVersions.Current}");
        if (NodeNameProblem(hello.NodeName) is { } problem)
            return Refuse(GatewayReasons.InvalidNodeName, problem);
        _nodeName = hello.NodeName;
        _nodeHandshake = nodeHandshakes.TryEnter(hello.NodeName);
        if (_nodeHandshake is null)
            return Refuse(GatewayReasons.NodeHandshakeBusy,
                $"node '{hello.NodeName}' already has {options.MaxHandshakesPerNode} unproven handshakes on this gateway ({GatewayOptions.SectionName}:MaxHandshakesPerNode); finish or close one, then say hello again");
        // Waiting for a slot: the stream stays open and the agent sees nothing until it is served or refused.
        if (await EnterHandshakeAsync() is not HandshakeAdmission.Admitted and var admission)
        {
            // Load shedding, not bad input: counted, logged at Debug (a storm would write one warning per agent).
            var retryAfter = handshakes.RetryAfter();
            metrics.Refused(GatewayReasons.GatewayBusy);
            metrics.RetryAfterHinted(retryAfter);
            logger.LogDebug("Agent stream from {Peer} (node {Node}) refused ({Admission}): {Count} handshakes in flight, {Waiting} waiting, {Relays} answers waiting for relay; retry after {RetryAfter:0.0} s",
                Peer, _nodeName, admission, handshakes.InFlight, handshakes.Waiting, relays.Waiting, retryAfter.TotalSeconds);
            var why = admission == HandshakeAdmission.VerifierBehind
                ? $"the verifier is behind: answers of attested nodes are waiting for relay slots ({GatewayOptions.SectionName}:MaxConcurrentRelays), and they go before new enrollments"
                : $"this gateway already has its limit of {handshakes.Limit} handshakes in flight ({GatewayOptions.SectionName}:MaxConcurrentHandshakes)";
            Send(WireConversions.Refusal(GatewayReasons.GatewayBusy, $"{why}; retry after {Math.Ceiling(retryAfter.TotalSeconds):0} s", retryAfter));
            return false;
        }
        _handshaking = true;
        _grain = grains.GetGrain<IEdgeNodeGrain>(hello.NodeName);
        HelloResult result;
        try
        {
            result = await _grain.HelloAsync(hello.ToContract());
        }
        catch (Exception e)
        {
            logger.LogError(e, "Node {Node}: the verifier failed on hello from {Peer}", _nodeName, Peer);
            return Refuse(GatewayReasons.VerifierUnavailable, $"the verifier could not handle the hello: {e.GetBaseException().Message}");
        }
        if (!result.Accepted || result.Challenge is null)
            return Refuse(result.ReasonCode ?? GatewayReasons.VerifierUnavailable, result.Detail);
        _sessionId = result.Challenge.SessionId;
        Send(new GatewayMessage { ActivationChallenge = result.Challenge.ToWire() });
        logger.LogInformation("Node {Node}: hello from {Peer} admitted, challenge {Session} sent", _nodeName, Peer, _sessionId);
        return true;
    }

    private async Task<bool> ActivateAsync(ActivationProof proof)
    {
        if (!Guid.TryParse(proof.SessionId, out var sessionId) || sessionId != _sessionId)
            return Refuse(GatewayReasons.SessionMismatch, $"the proof names session '{proof.SessionId}', but this stream was challenged with {_sessionId}");
        var channel = new AgentChannel(_nodeName!, _outbound.Writer, _owed, metrics, logger);
        _reference = grains.CreateObjectReference<IAgentChannel>(channel);
        // Orleans holds observer objects weakly: the session keeps its own for as long as the stream lives.
        _keepAlive = channel;
        OperationResult result;
        try
        {
            result = await _grain!.ActivateAsync(new ContractProof(sessionId, proof.Proof.ToByteArray()), _reference);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Node {Node}: the verifier failed on the activation proof from {Peer}", _nodeName, Peer);
            DeleteReference();
            return Refuse(GatewayReasons.VerifierUnavailable, $"the verifier could not check the activation proof: {e.GetBaseException().Message}");
        }
        if (!result.Accepted)
        {
            DeleteReference();
            return Refuse(result.ReasonCode ?? GatewayReasons.VerifierUnavailable, result.Detail);
        }
        _bound = true;
        EndHandshake();
        Send(new GatewayMessage { Activated = new Activated { Detail = result.Detail } });
        logger.LogInformation("Node {Node}: stream from {Peer} proven and bound ({Detail})", _nodeName, Peer, result.Detail);
        return true;
    }

    private async Task<bool> SubmitAsync(QuoteResponse response, CancellationToken open)
    {
        // The receipt time is what the verifier judges freshness by: waiting below for a relay slot is the verifier's delay.
        var receivedAt = time.GetUtcNow();
        if (response.ToContract(receivedAt) is not { } contract)
            return Refuse(GatewayReasons.MalformedMessage, $"the quote response's request id '{response.RequestId}' is not a GUID");
        if (await EnterRelayAsync(open) is not { } waited)
            return false;
        try
        {
            if (waited && _owed.HasExpired(contract.RequestId, receivedAt, time.GetUtcNow()))
            {
                // The verifier would refuse it (late, or beyond its relay grace) and has already asked again or will: shed it here.
                metrics.StaleAnswerDropped();
                logger.LogDebug("Node {Node}: quote response {Request} waited for one of the {Limit} relay slots past the time the verifier would judge it; dropped",
                    _nodeName, contract.RequestId, relays.Limit);
                return true;
            }
            var result = await _grain!.SubmitQuoteAsync(contract);
            if (!result.Accepted)
                logger.LogInformation("Node {Node}: quote response {Request} refused ({Reason}): {Detail}", _nodeName, contract.RequestId, result.ReasonCode, result.Detail);
        }
        catch (Exception e)
        {
            // The grain's timer re-asks; a failed relay does not end a proven stream.
            logger.LogWarning(e, "Node {Node}: quote response {Request} could not be relayed to the verifier", _nodeName, contract.RequestId);
        }
        finally
        {
            relays.Exit();
        }
        return true;
    }

    private async Task<bool> AcknowledgeAsync(CredentialAck ack, CancellationToken open)
    {
        if (await EnterRelayAsync(open) is null)
            return false;
        try
        {
            var result = await _grain!.AcknowledgeCredentialsAsync(ack.ToContract());
            if (!result.Accepted)
                logger.LogInformation("Node {Node}: credential acknowledgement {Generation} refused ({Reason}): {Detail}", _nodeName, ack.Generation, result.ReasonCode, result.Detail);
        }
        catch (Exception e)
        {
            // The grain redelivers when no acknowledgement arrives in time; a failed relay does not end a proven stream.
            logger.LogWarning(e, "Node {Node}: credential acknowledgement {Generation} could not be relayed to the verifier", _nodeName, ack.Generation);
        }
        finally
        {
            relays.Exit();
        }
        return true;
    }

    /// <summary>A relay slot (<see cref="RelayLimiter"/>): whether the answer waited for it, or null when the stream closed first.</summary>
    private async Task<bool?> EnterRelayAsync(CancellationToken open)
    {
        try
        {
            return await relays.EnterAsync(open);
        }
        catch (OperationCanceledException)
        {
            LogClosed(null);
            return null;
        }
    }

    private async Task<HandshakeAdmission> EnterHandshakeAsync()
    {
        try
        {
            return await handshakes.EnterAsync(options.HandshakeTimeout / 2, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            return HandshakeAdmission.NoSlot;
        }
    }

    private void EndHandshake()
    {
        if (_handshaking)
            handshakes.Exit();
        _handshaking = false;
        _nodeHandshake?.Dispose();
        _nodeHandshake = null;
    }

    private bool Refuse(string reasonCode, string detail)
    {
        metrics.Refused(reasonCode);
        logger.LogWarning("Agent stream from {Peer} (node {Node}) refused ({Reason}): {Detail}", Peer, _nodeName ?? "-", reasonCode, detail);
        Send(WireConversions.Refusal(reasonCode, detail));
        return false;
    }

    private void Send(GatewayMessage message)
    {
        if (!_outbound.Writer.TryWrite(message))
        {
            metrics.MessageDropped();
            logger.LogWarning("Node {Node}: a {Kind} message to {Peer} was dropped: the queue is full", _nodeName, message.BodyCase, Peer);
        }
    }

    private async Task WriteAllAsync()
    {
        // The wait for the next message is not cancellable (an uncancellable wait allocates nothing that outlives the
        // interval); the call's cancellation completes the queue instead.
        using var closing = context.CancellationToken.Register(() => _outbound.Writer.TryComplete());
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(CancellationToken.None))
                await responses.WriteAsync(message, context.CancellationToken);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Agent stream from {Peer} (node {Node}): writing stopped", Peer, _nodeName);
        }
    }

    private async Task FlushAsync(Task writer)
    {
        try
        {
            await writer.WaitAsync(options.CloseFlushTimeout);
        }
        catch (TimeoutException)
        {
            logger.LogDebug("Agent stream from {Peer} (node {Node}): the last messages were not flushed in time", Peer, _nodeName);
        }
    }

    private async Task UnbindAsync()
    {
        if (_bound && _reference is not null)
        {
            try
            {
                await _grain!.AgentDisconnectedAsync(_reference);
                logger.LogInformation("Node {Node}: stream from {Peer} closed and unbound", _nodeName, Peer);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Node {Node}: the verifier was not told that the stream from {Peer} closed", _nodeName, Peer);
            }
        }
        DeleteReference();
    }

    private void DeleteReference()
    {
        if (_reference is null)
            return;
        try
        {
            grains.DeleteObjectReference<IAgentChannel>(_reference);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Node {Node}: the observer reference was already gone", _nodeName);
        }
        _reference = null;
        _keepAlive = null;
    }

    private static string? NodeNameProblem(string name) =>
        string.IsNullOrEmpty(name) ? "the Hello has no node name" : NodeNames.Problem(name);
}
