using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Silo.Hosting;

namespace OrleansAttest.Silo.Tests.Hosting;

/// <summary>The role, the agent endpoint's settings and the hello rate limit are checked at startup with the rest.</summary>
public sealed class HostRoleValidationTests
{
    private static HostSettings Read(params (string Key, string Value)[] values) =>
        HostSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    private static IReadOnlyList<string> Failures(params (string Key, string Value)[] values) =>
        Assert.Throws<OptionsValidationException>(() => Read(values)).Failures.ToList();

    [Fact]
    public void The_defaults_are_a_silo_serving_agents_with_a_development_CA_beside_its_data()
    {
        var settings = Read(("OrleansAttest:Storage:DataDirectory", "/var/lib/orleansattest"));
        Assert.Equal(HostRole.Silo, settings.Host.Role);
        Assert.True(settings.Gateway.Enabled);
        Assert.Equal(7443, settings.Gateway.Port);
        Assert.Equal("/var/lib/orleansattest/tls", settings.Gateway.Tls.DevelopmentCaDirectory);
        // The embedded mode generates the admin API's token beside its data.
        Assert.Equal("/var/lib/orleansattest", settings.Admin.GenerateTokenDirectory);
        // A configured certificate means no development CA.
        var withCertificate = Read(("OrleansAttest:Gateway:Tls:CertificatePath", "/etc/hosts"), ("OrleansAttest:Gateway:Tls:KeyPath", "/etc/hosts"));
        Assert.Null(withCertificate.Gateway.Tls.DevelopmentCaDirectory);
    }

    [Fact]
    public void The_gateway_role_needs_Redis_and_its_agent_endpoint()
    {
        Assert.Contains(Failures(("OrleansAttest:Host:Role", "Gateway")), f => f.StartsWith("host-gateway-role-needs-redis: OrleansAttest:Host:Role is Gateway", StringComparison.Ordinal));
        Assert.Contains(Failures(("OrleansAttest:Host:Role", "Gateway"), ("OrleansAttest:Storage:Mode", "Redis"), ("OrleansAttest:Storage:ConnectionString", "redis:6379"),
            ("OrleansAttest:Gateway:Enabled", "false")), f => f.StartsWith("host-gateway-role-disabled: ", StringComparison.Ordinal));
        // Outside the embedded mode nothing generates the admin API's token: it must be configured (or the API disabled).
        Assert.Contains(Failures(("OrleansAttest:Host:Role", "Gateway"), ("OrleansAttest:Storage:Mode", "Redis"), ("OrleansAttest:Storage:ConnectionString", "redis:6379"),
            ("OrleansAttest:Gateway:Port", "30000")), f => f.StartsWith("admin-token-missing: ", StringComparison.Ordinal));
        var gateway = Read(("OrleansAttest:Host:Role", "Gateway"), ("OrleansAttest:Storage:Mode", "Redis"), ("OrleansAttest:Storage:ConnectionString", "redis:6379"),
            ("OrleansAttest:Gateway:Port", "30000"), // the silo's Orleans gateway port is free in a process without a silo
            ("OrleansAttest:Admin:TokenFile", "/etc/hostname"));
        Assert.Equal("/etc/hostname", gateway.Admin.TokenFile);
        Assert.False(Read(("OrleansAttest:Storage:Mode", "Redis"), ("OrleansAttest:Storage:ConnectionString", "redis:6379"), ("OrleansAttest:Admin:Enabled", "false")).Admin.Enabled);
        Assert.Equal(HostRole.Gateway, gateway.Host.Role);
        Assert.Contains(Failures(("OrleansAttest:Host:Role", "Router")), f => f.StartsWith("configuration-value-invalid: ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_agent_port_may_not_collide_with_the_silo_s_ports()
    {
        Assert.Contains(Failures(("OrleansAttest:Gateway:Port", "8080")), f => f.StartsWith("gateway-port-conflict: OrleansAttest:Gateway:Port 8080", StringComparison.Ordinal));
        Assert.Contains(Failures(("OrleansAttest:Gateway:Port", "6380")), f => f.StartsWith("gateway-port-conflict: ", StringComparison.Ordinal));
        // Turned off, its settings do not matter.
        Read(("OrleansAttest:Gateway:Enabled", "false"), ("OrleansAttest:Gateway:Port", "8080"));
    }

    [Fact]
    public void Bad_hello_rate_settings_are_named()
    {
        var errors = AttestationGrainsOptionsValidator.Errors(
            new AdmissionOptions { MaxPendingChallenges = 0, HelloBurst = 0, HelloInterval = TimeSpan.FromSeconds(-1) },
            new PollingOptions(), new PolicyCacheOptions(), new AuditOptions(), TimeSpan.FromMinutes(1));
        Assert.Equal(["admission-max-pending-challenges-invalid", "admission-hello-burst-invalid", "admission-hello-interval-invalid"],
            errors.Select(e => e[..e.IndexOf(':')]));
    }
}
