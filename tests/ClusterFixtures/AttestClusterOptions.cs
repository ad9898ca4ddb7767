using Microsoft.Extensions.Logging;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>What an <see cref="AttestCluster"/> runs: how many silos, on which storage, with which test hooks.</summary>
public sealed class AttestClusterOptions
{
    /// <summary>Silos started by <see cref="AttestCluster.StartAsync(AttestClusterOptions, CancellationToken)"/>. Embedded storage allows one.</summary>
    public int InitialSilos { get; set; } = 1;

    /// <summary>The product's storage options: Embedded (Garnet inside the silo, single silo) or Redis (see
    /// <see cref="RedisServer.StorageOptions"/> and <see cref="GarnetServerFixture.RedisModeOptions"/>).</summary>
    public required StorageOptions Storage { get; set; }

    /// <summary>Keys of grain state and reminders are scoped by the service id: keep it to see the same data after a restart.</summary>
    public string ServiceId { get; set; } = "attest-test-" + Guid.NewGuid().ToString("N")[..8];

    public string ClusterId { get; set; } = "attest-test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Membership timings for a test: a silo that stops answering is declared dead within seconds, not minutes;
    /// reminders may tick every second and the reminder table is re-read every few seconds.</summary>
    public bool FastFailover { get; set; } = true;

    /// <summary>Orleans refuses reminder periods below this (production default: one minute).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs on every silo after the product configuration: register test doubles, override options.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Runs on the cluster client after its configuration.</summary>
    public Action<IClientBuilder>? ConfigureClient { get; set; }

    /// <summary>Log lines at or above this level from silos and client go to <see cref="AttestCluster.LogText"/>.</summary>
    public LogLevel CapturedLogLevel { get; set; } = LogLevel.Warning;
}
