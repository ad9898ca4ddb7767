using OrleansAttest.Gateway.Agents;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Tests.Unit;

public sealed class StreamLimiterTests
{
    private static StreamLimiter Limiter(int perAddress, int total) =>
        new(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MaxStreamsPerAddress = perAddress, MaxStreams = total }));

    [Fact]
    public void Each_address_has_its_own_limit_and_a_released_lease_frees_its_slot_once()
    {
        var limiter = Limiter(perAddress: 2, total: 0);
        var a1 = limiter.TryAcquire("10.0.0.1", out _);
        var a2 = limiter.TryAcquire("10.0.0.1", out _);
        Assert.NotNull(a1);
        Assert.NotNull(a2);
        Assert.Null(limiter.TryAcquire("10.0.0.1", out var refusal));
        Assert.Contains("10.0.0.1 already has 2", refusal);
        Assert.NotNull(limiter.TryAcquire("10.0.0.2", out _)); // another address is unaffected
        a1!.Dispose();
        a1.Dispose(); // twice: released once
        Assert.Equal(2, limiter.OpenStreams);
        Assert.NotNull(limiter.TryAcquire("10.0.0.1", out _));
        Assert.Null(limiter.TryAcquire("10.0.0.1", out _));
    }

    [Fact]
    public void The_total_limit_applies_across_addresses_and_zero_means_unlimited()
    {
        var limited = Limiter(perAddress: 0, total: 2);
        Assert.NotNull(limited.TryAcquire("a", out _));
        Assert.NotNull(limited.TryAcquire("b", out _));
        Assert.Null(limited.TryAcquire("c", out var refusal));
        Assert.Contains("MaxStreams", refusal);
        Assert.Equal(2, limited.OpenStreams);

        var unlimited = Limiter(perAddress: 0, total: 0);
        for (int i = 0; i < 5000; i++)
            Assert.NotNull(unlimited.TryAcquire("same", out _));
    }

    [Fact]
    public void Invalid_gateway_options_are_named_with_reason_codes()
    {
        var errors = GatewayOptionsValidator.Errors(new GatewayOptions
        {
            Port = 0,
            ListenAddress = "everywhere",
            MaxStreamsPerAddress = -1,
            MaxStreams = -5,
            MaxStreamsPerConnection = 0,
            MaxConcurrentHandshakes = -1,
            MaxConcurrentRelays = -1,
            HandshakeTimeout = TimeSpan.Zero,
            Tls = new GatewayTlsOptions { CertificatePath = "/x.crt" },
        });
        var codes = errors.Select(e => e[..e.IndexOf(':')]).ToList();
        Assert.Equal(["gateway-port-invalid", "gateway-listen-address-invalid", "gateway-handshake-timeout-invalid",
            "gateway-max-streams-per-address-invalid", "gateway-max-streams-invalid", "gateway-max-streams-per-connection-invalid", "gateway-max-concurrent-handshakes-invalid",
            "gateway-max-concurrent-relays-invalid", "gateway-tls-incomplete"], codes);
        Assert.Empty(GatewayOptionsValidator.Errors(new GatewayOptions { Enabled = false, Port = 0 }));
        Assert.Empty(GatewayOptionsValidator.Errors(new GatewayOptions { Tls = new GatewayTlsOptions { DevelopmentCaDirectory = "/tmp/ca" } }));
    }

    [Fact]
    public async Task The_handshake_limiter_admits_up_to_its_limit_waits_for_a_freed_slot_and_times_out()
    {
        var limiter = new HandshakeLimiter(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MaxConcurrentHandshakes = 2 }));
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HandshakeAdmission.Admitted, await limiter.EnterAsync(TimeSpan.Zero, ct));
        Assert.Equal(HandshakeAdmission.Admitted, await limiter.EnterAsync(TimeSpan.Zero, ct));
        Assert.Equal(HandshakeAdmission.NoSlot, await limiter.EnterAsync(TimeSpan.FromMilliseconds(50), ct));
        Assert.Equal(2, limiter.InFlight);
        var waiting = limiter.EnterAsync(TimeSpan.FromSeconds(30), ct);
        Assert.False(waiting.IsCompleted);
        limiter.Exit();
        Assert.Equal(HandshakeAdmission.Admitted, await waiting);
        Assert.Equal(2, limiter.InFlight);
        var unlimited = new HandshakeLimiter(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MaxConcurrentHandshakes = 0 }));
        for (int i = 0; i < 5000; i++)
            Assert.Equal(HandshakeAdmission.Admitted, await unlimited.EnterAsync(TimeSpan.Zero, ct));
    }

    [Fact]
    public async Task A_hello_yields_while_answers_of_proven_streams_wait_for_relay_slots_and_gives_its_slot_back_when_they_keep_waiting()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MaxConcurrentHandshakes = 2, MaxConcurrentRelays = 1 });
        var relays = new RelayLimiter(options);
        var limiter = new HandshakeLimiter(options, relays: relays);
        var ct = TestContext.Current.CancellationToken;
        // The one relay slot is taken and an answer waits behind it: the verifier is behind.
        Assert.False(await relays.EnterAsync(ct));
        var answer = relays.EnterAsync(ct).AsTask();
        Assert.Equal(1, relays.Waiting);

        // The backlog does not clear in time: refused as verifier-behind, and the slot is not kept.
        Assert.Equal(HandshakeAdmission.VerifierBehind, await limiter.EnterAsync(TimeSpan.FromMilliseconds(250), ct));
        Assert.Equal((0, 0), (limiter.InFlight, limiter.Yielding));

        // It clears while the Hello yields: admitted, holding its slot.
        var hello = limiter.EnterAsync(TimeSpan.FromSeconds(30), ct);
        await Eventually.UntilAsync(() => Task.FromResult(limiter.Yielding == 1), TimeSpan.FromSeconds(10), "the hello yields");
        Assert.False(hello.IsCompleted);
        Assert.Equal(1, limiter.InFlight);
        relays.Exit();
        Assert.True(await answer.WaitAsync(TimeSpan.FromSeconds(10), ct));
        relays.Exit();
        Assert.Equal(HandshakeAdmission.Admitted, await hello.WaitAsync(TimeSpan.FromSeconds(10), ct));
        Assert.Equal((1, 0), (limiter.InFlight, limiter.Yielding));

        // A stream closing while its Hello yields gives the slot back.
        Assert.False(await relays.EnterAsync(ct));
        var another = relays.EnterAsync(ct).AsTask();
        using var closing = new CancellationTokenSource();
        var abandoned = limiter.EnterAsync(TimeSpan.FromSeconds(30), closing.Token);
        await Eventually.UntilAsync(() => Task.FromResult(limiter.Yielding == 1), TimeSpan.FromSeconds(10), "the second hello yields");
        closing.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal((1, 0), (limiter.InFlight, limiter.Yielding));
        relays.Exit();
        await another;
        relays.Exit();
    }

    [Fact]
    public async Task The_relay_limiter_admits_up_to_its_limit_says_who_waited_and_a_closed_stream_takes_no_slot()
    {
        var limiter = new RelayLimiter(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MaxConcurrentRelays = 2 }));
        var ct = TestContext.Current.CancellationToken;
        Assert.False(await limiter.EnterAsync(ct));
        Assert.False(await limiter.EnterAsync(ct));
        Assert.Equal(2, limiter.InFlight);
        var waiting = limiter.EnterAsync(ct).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, limiter.Waiting);
        limiter.Exit();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10), ct));
        Assert.Equal((2, 0), (limiter.InFlight, limiter.Waiting));

        // A stream that closes while waiting leaves without a slot; the slots in use stay exactly two.
        using var closing = new CancellationTokenSource();
        var abandoned = limiter.EnterAsync(closing.Token).AsTask();
        closing.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal((2, 0), (limiter.InFlight, limiter.Waiting));
        limiter.Exit();
        limiter.Exit();
        Assert.Equal(0, limiter.InFlight);

        var unlimited = new RelayLimiter(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MaxConcurrentRelays = 0 }));
        for (int i = 0; i < 5000; i++)
            Assert.False(await unlimited.EnterAsync(ct));
        Assert.Equal(0, unlimited.InFlight);
    }
}
