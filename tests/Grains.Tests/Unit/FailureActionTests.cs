using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Lifecycle;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>
/// A policy's failure actions are either carried out by a handler (counted done) or reported as having none
/// (one warning per transition, counted unhandled) — never logged as if they ran.
/// </summary>
public sealed class FailureActionTests : IDisposable
{
    private const string Instrument = "orleansattest.failure_actions";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeasurementRecorder _recorder;
    private readonly AttestationMetrics _metrics;
    private readonly ListLogger<LoggingLifecycleActions> _log = new();
    private readonly NotifyAgentLifecycleActions _notify;
    private readonly LoggingLifecycleActions _logging;

    public FailureActionTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _recorder = new MeasurementRecorder(factory);
        _metrics = new AttestationMetrics(factory, new NodePhaseTracker());
        _notify = new NotifyAgentLifecycleActions(new ListLogger<NotifyAgentLifecycleActions>(), _metrics);
        _logging = new LoggingLifecycleActions(_log, [_notify], _metrics);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }

    private static NodeTransition Transition(NodePhase to, string? reason, string[] actions, IAgentChannel? channel) =>
        new("edge-1", NodePhase.Attested, to, reason, "because", DateTimeOffset.UnixEpoch, "boot", actions, channel);

    private async Task RunAsync(NodeTransition transition)
    {
        await _logging.OnPhaseChangedAsync(transition);
        await _notify.OnPhaseChangedAsync(transition);
    }

    [Fact]
    public async Task Actions_without_a_handler_are_warned_about_once_and_counted_unhandled_and_notify_agent_is_counted_done()
    {
        var agent = new RecordingChannel();
        await RunAsync(Transition(NodePhase.Failed, "pcr-value-not-allowed", ["revoke-credentials", "notify-agent", "cordon", "taint"], agent));

        var counted = _recorder.Of(Instrument);
        Assert.Equal(["cordon", "revoke-credentials", "taint"],
            counted.Where(m => m.Tag("result") == FailureActionResults.Unhandled).Select(m => m.Tag("action")!).Order());
        var done = Assert.Single(counted, m => m.Tag("result") == FailureActionResults.Done);
        Assert.Equal("notify-agent", done.Tag("action"));
        Assert.Equal([("pcr-value-not-allowed", "because")], agent.Revoked);

        var warning = Assert.Single(_log.Entries, e => e.Message.Contains("no handler"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("revoke-credentials, cordon, taint", warning.Message);
        Assert.DoesNotContain("notify-agent", warning.Message);
    }

    [Fact]
    public async Task Transitions_other_than_Failed_run_no_failure_actions_and_a_reset_tells_the_agent_to_enroll_again()
    {
        var agent = new RecordingChannel();
        await RunAsync(Transition(NodePhase.Unreachable, "unreachable", ["revoke-credentials", "notify-agent"], agent));
        await RunAsync(Transition(NodePhase.Pending, NodeReasons.Reset, ["revoke-credentials", "notify-agent"], agent));

        Assert.Empty(_recorder.Of(Instrument));
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("no handler"));
        Assert.Equal([(NodeReasons.Reset, "because")], agent.Revoked);
    }

    [Fact]
    public async Task Notify_agent_that_cannot_be_sent_is_counted_failed()
    {
        await RunAsync(Transition(NodePhase.Failed, "signature-invalid", ["notify-agent"], new RecordingChannel { Throw = true }));
        var counted = Assert.Single(_recorder.Of(Instrument));
        Assert.Equal(("notify-agent", FailureActionResults.Failed), (counted.Tag("action"), counted.Tag("result")));
    }

    private sealed class RecordingChannel : IAgentChannel
    {
        public bool Throw { get; init; }

        public List<(string Code, string Detail)> Revoked { get; } = [];

        public Task RequestQuoteAsync(QuoteRequest request) => Task.CompletedTask;

        public Task DeliverCredentialsAsync(CredentialDelivery delivery) => Task.CompletedTask;

        public Task RevokedAsync(string reasonCode, string detail)
        {
            if (Throw)
                throw new InvalidOperationException("the connection is gone");
            Revoked.Add((reasonCode, detail));
            return Task.CompletedTask;
        }
    }
}
