using Grpc.Core;
using Grpc.Net.Client;
using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Benchmarks.Fleet.Agents;

/// <summary>
/// One simulated agent on one stream of a shared HTTP/2 connection, answering as EdgeAgent's GatewaySession does:
/// Hello, the activation proof (software ActivateCredential), quotes over the requested selection with the request's
/// nonce, credential deliveries (opened and acknowledged). A refusal or a broken stream → reconnect with backoff, or
/// after the refusal's retry-after hint when that is longer (capped at an hour, as EdgeAgent's ReconnectDelay does).
/// </summary>
internal sealed class FleetAgent(SimulatedDevice device, FleetRecorder recorder, TimeSpan responseTimeout)
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private double _lastRequestAt = double.NaN;
    private long _lastIssuedUnixMs = -1;
    private uint _retryAfterMs;

    public string NodeName => device.NodeName;

    /// <summary>When the first Hello was written (ms on the recorder's clock); NaN before.</summary>
    public double FirstHelloAt { get; private set; } = double.NaN;

    /// <summary>When the first credential acknowledgement (stored) was written: the node is Enrolled; NaN before.</summary>
    public double EnrolledAt { get; private set; } = double.NaN;

    public double LastRequestAt => Volatile.Read(ref _lastRequestAt);

    public bool Enrolled => !double.IsNaN(EnrolledAt);

    public async Task RunAsync(GrpcChannel channel, CancellationToken stop)
    {
        var client = new AgentGateway.AgentGatewayClient(channel);
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stop.IsCancellationRequested)
        {
            _retryAfterMs = 0;
            try
            {
                if (await SessionAsync(client, stop))
                    backoff = TimeSpan.FromMilliseconds(500);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or IOException or InvalidOperationException or HttpRequestException)
            {
                recorder.StreamError();
            }
            try
            {
                // Jittered like the agent's ReconnectBackoff, so refused agents do not come back in lockstep; the gateway's
                // hint (already jittered by the gateway) is a floor.
                var jittered = backoff / 2 + backoff * (Random.Shared.NextDouble() / 2);
                var hint = TimeSpan.FromMilliseconds(Math.Min(_retryAfterMs, MaxRetryAfter.TotalMilliseconds));
                await Task.Delay(hint > jittered ? hint : jittered, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    /// <summary>True when the stream was activated before it ended.</summary>
    private async Task<bool> SessionAsync(AgentGateway.AgentGatewayClient client, CancellationToken stop)
    {
        using var call = client.Connect(cancellationToken: stop);
        if (double.IsNaN(FirstHelloAt))
            FirstHelloAt = recorder.NowMilliseconds;
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = device.Hello().ToWire() }, stop);
        var activated = false;
        await foreach (var message in call.ResponseStream.ReadAllAsync(stop))
        {
            switch (message.BodyCase)
            {
                case GatewayMessage.BodyOneofCase.ActivationChallenge:
                    if (message.ActivationChallenge.ToContract() is not { } challenge)
                    {
                        recorder.Refused("agent:challenge-malformed");
                        return activated;
                    }
                    var proof = device.AnswerChallenge(challenge);
                    await call.RequestStream.WriteAsync(new AgentMessage { ActivationProof = proof.ToWire() }, stop);
                    break;
                case GatewayMessage.BodyOneofCase.Activated:
                    activated = true;
                    break;
                case GatewayMessage.BodyOneofCase.QuoteRequest:
                    await AnswerQuoteAsync(call, message.QuoteRequest, stop);
                    break;
                case GatewayMessage.BodyOneofCase.CredentialDelivery:
                    var ack = device.AcceptCredentials(message.CredentialDelivery.ToContract());
                    await call.RequestStream.WriteAsync(new AgentMessage { CredentialAck = ack.ToWire() }, stop);
                    recorder.CredentialsAnswered(ack.Stored);
                    if (ack.Stored && !Enrolled)
                        EnrolledAt = recorder.NowMilliseconds;
                    break;
                case GatewayMessage.BodyOneofCase.Refused:
                    _retryAfterMs = message.Refused.RetryAfterMs;
                    recorder.Refused(message.Refused.ReasonCode);
                    return activated;
                case GatewayMessage.BodyOneofCase.Revoked:
                    recorder.RevokedBy(message.Revoked.ReasonCode);
                    if (message.Revoked.ReasonCode == "reset")
                        return activated;
                    break;
            }
        }
        return activated;
    }

    private async Task AnswerQuoteAsync(AsyncDuplexStreamingCall<AgentMessage, GatewayMessage> call, QuoteRequest request, CancellationToken stop)
    {
        var arrived = recorder.NowMilliseconds;
        var previous = LastRequestAt;
        // The grain stamps expiry = issue + response timeout on one clock (this machine's): issue time, delivery and cycle follow.
        var issuedUnixMs = request.ExpiresAtUnixMs - (long)responseTimeout.TotalMilliseconds;
        // The first request in the window is measured from the window's start: a node silent since before it is late too.
        var windowStartUnixMs = recorder.WindowStartUnixMilliseconds;
        recorder.RequestArrived(NodeName,
            gapMilliseconds: double.IsNaN(previous) ? 0 : arrived - Math.Max(previous, recorder.WindowStartMilliseconds),
            issueGapMilliseconds: _lastIssuedUnixMs < 0 ? 0 : issuedUnixMs - Math.Max(_lastIssuedUnixMs, windowStartUnixMs),
            deliveryMilliseconds: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - issuedUnixMs);
        Volatile.Write(ref _lastRequestAt, arrived);
        _lastIssuedUnixMs = issuedUnixMs;
        if (request.ToContract() is not { } contract)
        {
            recorder.Refused("agent:request-malformed");
            return;
        }
        var response = device.AnswerQuote(contract);
        await call.RequestStream.WriteAsync(new AgentMessage { QuoteResponse = response.ToWire(request.RequestId) }, stop);
        recorder.QuoteAnswered(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - issuedUnixMs);
    }
}
