using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>Every failed audit append is counted; the log gets one line per interval, saying how many it left out.</summary>
public sealed class AuditFailureReporterTests
{
    [Fact]
    public void A_burst_of_failures_is_counted_in_full_and_logged_once_per_interval_with_the_number_left_out()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "orleansattest.audit_write_failures" && ReferenceEquals(instrument.Meter.Scope, factory))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();
        var time = new SteppedTime();
        var logger = new ListLogger<AuditFailureReporter>();
        var reporter = new AuditFailureReporter(new AttestationMetrics(factory, new NodePhaseTracker()), time, logger);
        var error = new IOException("the audit store refuses writes");

        for (int i = 0; i < 1000; i++)
            reporter.Report($"node-{i}", "verdict", null, error);
        Assert.Equal(1000, counted);
        var first = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, first.Level);
        Assert.Contains("Node node-0: audit entry verdict (ok) could not be written; 0 more failed audit entries since the last such line", first.Message);

        time.Advance(AuditFailureReporter.Interval - TimeSpan.FromMilliseconds(1));
        reporter.Report("node-late", "verdict", null, error);
        Assert.Single(logger.Entries);

        time.Advance(TimeSpan.FromMilliseconds(1));
        reporter.Report("node-next", "response-refused", "nonce-expired", error);
        Assert.Equal(2, logger.Entries.Count);
        Assert.Contains("Node node-next: audit entry response-refused (nonce-expired) could not be written; 1000 more failed audit entries", logger.Entries.Last().Message);
        Assert.Equal(1002, counted);
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class SteppedTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
