using Grpc.Core;
using Microsoft.Extensions.Logging;
using OrleansAttest.EdgeAgent.Connection;
using OrleansAttest.EdgeAgent.Credentials;
using OrleansAttest.EdgeAgent.Device;
using OrleansAttest.Protocol.V1;
using OrleansAttest.Tpm.Device;

namespace OrleansAttest.EdgeAgent;

/// <summary>
/// The agent's life: open the TPM side once, then keep one stream to the gateway, reconnecting with backoff and
/// jitter after any end (refusal, gateway restart, network loss). The TPM client is the caller's (it may be shared).
/// </summary>
public sealed class AgentRunner(AgentOptions options, TpmClient tpmClient, ILogger<AgentRunner> logger)
{
    public AgentStatus Status { get; } = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.NodeName))
            throw new InvalidOperationException("no node name is configured (--node)");
        await using var tpm = await AgentTpm.OpenAsync(tpmClient, options.StateDirectory, options.AkAlgorithm, cancellationToken);
        logger.LogInformation("Node {Node}: TPM {Tpm} opened; AK {AkState} in {StateDirectory}", options.NodeName, tpmClient.Transport.Description,
            tpm.AkIsNew ? "created" : "loaded", options.StateDirectory);
        using var channel = GatewayChannelFactory.Create(options);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var eventLog = new EventLogSource(options.EventLog);
        var store = new CredentialStore(options.EffectiveCredentialsDirectory, logger);
        store.EnsureDirectory();
        var hook = new CredentialHook(options.Hook, options.NodeName, store.Directory, options.HookTimeout, logger);
        var credentials = new CredentialReceiver(tpm, store, hook, options.NodeName, Status, logger);
        var backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var session = new GatewaySession(client, tpm, eventLog, credentials, options, Status, logger);
                if (await session.RunAsync(cancellationToken))
                    backoff.Reset();
                if (session.StartOver)
                {
                    // An operator reset: the node waits for this agent's hello, so say it at once.
                    logger.LogInformation("Node {Node}: the node was reset; saying hello again", options.NodeName);
                    continue;
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException e)
            {
                logger.LogWarning("Node {Node}: connection to {Gateway} lost: {Status}: {Detail}", options.NodeName, options.Gateway, e.StatusCode, e.Status.Detail);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Node {Node}: the session with {Gateway} failed", options.NodeName, options.Gateway);
            }
            var delay = backoff.Next();
            logger.LogInformation("Node {Node}: reconnecting in {Delay:0.0} s", options.NodeName, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
