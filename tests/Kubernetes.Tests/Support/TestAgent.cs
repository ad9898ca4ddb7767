using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>
/// The agent of a <see cref="SimulatedDevice"/> (software EK/AK, real quotes), in the Gateway's role: hello,
/// ActivateCredential, activation with its observer; then it answers every quote request and acknowledges credentials.
/// The declaration comes from the EdgeNode through the watcher, not from here.
/// </summary>
public sealed class TestAgent : IAgentChannel, IDisposable
{
    private readonly IEdgeNodeGrain _grain;
    private readonly IAgentChannel _reference;

    public TestAgent(IGrainFactory grains, string nodeName)
    {
        Device = SimulatedDevice.Create(nodeName);
        _grain = grains.GetGrain<IEdgeNodeGrain>(nodeName);
        _reference = grains.CreateObjectReference<IAgentChannel>(this);
    }

    public SimulatedDevice Device { get; }

    public string? LastRevocation { get; private set; }

    /// <summary>Hello + activation; the grain then asks for the first quote at once.</summary>
    public async Task ConnectAsync()
    {
        var hello = await _grain.HelloAsync(Device.Hello());
        Assert.True(hello.Accepted && hello.Challenge is not null, $"hello refused: {hello.ReasonCode}: {hello.Detail}");
        var activated = await _grain.ActivateAsync(Device.AnswerChallenge(hello.Challenge!), _reference);
        Assert.True(activated.Accepted, $"activation refused: {activated.ReasonCode}: {activated.Detail}");
    }

    Task IAgentChannel.RequestQuoteAsync(QuoteRequest request)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await _grain.SubmitQuoteAsync(Device.AnswerQuote(request));
            }
            catch (Exception)
            {
                // The grain's timer retries; a test asserts on phases, not on this call.
            }
        });
        return Task.CompletedTask;
    }

    Task IAgentChannel.RevokedAsync(string reasonCode, string detail)
    {
        LastRevocation = reasonCode;
        return Task.CompletedTask;
    }

    Task IAgentChannel.DeliverCredentialsAsync(CredentialDelivery delivery)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await _grain.AcknowledgeCredentialsAsync(Device.AcceptCredentials(delivery));
            }
            catch (Exception)
            {
            }
        });
        return Task.CompletedTask;
    }

    public void Dispose() => Device.Dispose();
}
