using k8s;
using System.Text;
using k8s.Models;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Kubernetes.Access;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>
/// The approver as a running hosted service against the test API server, with real PKCS#10 requests: the approval
/// matrix, leaving foreign CSRs alone, surviving dropped/expired watches and an outage, two approvers at once.
/// </summary>
public sealed class KubeletCsrApproverTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private AccessHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = await AccessHost.StartAsync();
        await host.Get<KubeletCsrApprover>().StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await host.Get<KubeletCsrApprover>().StopAsync(Ct);
        await host.DisposeAsync();
    }

    private async Task<string> TokenUserAsync(string node)
    {
        await host.Get<ICredentialIssuer>().IssueAsync(new CredentialRequest(node, "default", [1]), Ct);
        var secret = (await host.TokenSecretsAsync()).Single(s => s.Metadata.Labels["edge.orleansattest.io/node"] == node);
        return "system:bootstrap:" + Encoding.UTF8.GetString(secret.Data["token-id"]);
    }

    private async Task<V1CertificateSigningRequestCondition> DecidedAsync(string csr)
    {
        V1CertificateSigningRequestCondition? condition = null;
        await Eventually.UntilAsync(async () => (condition = await host.DecisionAsync(csr)) is not null, Timeout, $"CSR {csr} decided");
        return condition!;
    }

    private static void AssertDenied(V1CertificateSigningRequestCondition condition, string reasonCode)
    {
        Assert.Equal("Denied", condition.Type);
        Assert.Equal("True", condition.Status);
        Assert.Equal("OrleansAttestDenied", condition.Reason);
        Assert.StartsWith(reasonCode + ": ", condition.Message);
    }

    [Fact]
    public async Task The_approval_matrix_approves_only_the_right_token_cn_signer_usages_and_a_trusted_node()
    {
        host.Trust.Set("edge-a", NodePhase.Enrolled);
        host.Trust.Set("edge-b", NodePhase.Attested);
        host.Trust.Set("edge-f", NodePhase.Failed);
        var userA = await TokenUserAsync("edge-a");
        var userB = await TokenUserAsync("edge-b");
        var userF = await TokenUserAsync("edge-f");

        await host.CreateCsrAsync(KubeletCsrs.Csr("ok", KubeletCsrs.Pem("system:node:edge-a"), userA));
        await host.CreateCsrAsync(KubeletCsrs.Csr("ok-rsa", KubeletCsrs.Pem("system:node:edge-b", rsa: true), userB, usages: ["digital signature", "key encipherment", "client auth"]));
        await host.CreateCsrAsync(KubeletCsrs.Csr("foreign-token", KubeletCsrs.Pem("system:node:edge-a"), "system:bootstrap:zzzzzz"));
        await host.CreateCsrAsync(KubeletCsrs.Csr("node-user", KubeletCsrs.Pem("system:node:edge-a"), "system:node:edge-a"));
        await host.CreateCsrAsync(KubeletCsrs.Csr("other-nodes-token", KubeletCsrs.Pem("system:node:edge-a"), userB));
        await host.CreateCsrAsync(KubeletCsrs.Csr("wrong-cn", KubeletCsrs.Pem("system:node:edge-z"), userA));
        await host.CreateCsrAsync(KubeletCsrs.Csr("wrong-o", KubeletCsrs.Pem("system:node:edge-a", organization: "system:masters"), userA));
        await host.CreateCsrAsync(KubeletCsrs.Csr("extra-ou", KubeletCsrs.Pem("system:node:edge-a", organizationalUnit: "ops"), userA));
        await host.CreateCsrAsync(KubeletCsrs.Csr("san", KubeletCsrs.Pem("system:node:edge-a", dnsName: "api.example"), userA));
        await host.CreateCsrAsync(KubeletCsrs.Csr("server-usage", KubeletCsrs.Pem("system:node:edge-a"), userA, usages: ["digital signature", "server auth"]));
        await host.CreateCsrAsync(KubeletCsrs.Csr("bad-signature", KubeletCsrs.BadSignaturePem("system:node:edge-a"), userA));
        await host.CreateCsrAsync(KubeletCsrs.Csr("garbage", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", userA));
        await host.CreateCsrAsync(KubeletCsrs.Csr("not-attested", KubeletCsrs.Pem("system:node:edge-f"), userF));

        var ok = await DecidedAsync("ok");
        Assert.Equal(("Approved", "True", "OrleansAttestApproved"), (ok.Type, ok.Status, ok.Reason));
        Assert.Equal("Approved", (await DecidedAsync("ok-rsa")).Type);
        AssertDenied(await DecidedAsync("foreign-token"), CsrReasons.RequesterNotNodeToken);
        AssertDenied(await DecidedAsync("node-user"), CsrReasons.RequesterNotNodeToken);
        AssertDenied(await DecidedAsync("other-nodes-token"), CsrReasons.CnMismatch);
        AssertDenied(await DecidedAsync("wrong-cn"), CsrReasons.CnMismatch);
        AssertDenied(await DecidedAsync("wrong-o"), CsrReasons.OrganizationMismatch);
        AssertDenied(await DecidedAsync("extra-ou"), CsrReasons.SubjectMismatch);
        AssertDenied(await DecidedAsync("san"), CsrReasons.SanNotAllowed);
        AssertDenied(await DecidedAsync("server-usage"), CsrReasons.UsagesMismatch);
        AssertDenied(await DecidedAsync("bad-signature"), CsrReasons.SignatureInvalid);
        AssertDenied(await DecidedAsync("garbage"), CsrReasons.RequestMalformed);
        var notAttested = await DecidedAsync("not-attested");
        AssertDenied(notAttested, CsrReasons.NodeNotAttested);
        Assert.Contains("Failed", notAttested.Message);
    }

    [Fact]
    public async Task An_approval_reviewed_before_the_node_failed_is_written_as_a_denial()
    {
        // The review said Enrolled; by the write the node has failed (here: the verifier no longer knows it, so the
        // running approver leaves the CSR to this call). The approval asks again right before its write.
        await host.CreateCsrAsync(KubeletCsrs.Csr("reviewed-earlier", KubeletCsrs.Pem("system:node:edge-gone"), "system:bootstrap:abcdef"));
        var approvals = host.Get<CsrApprovals>();
        Assert.True(await approvals.DecideAsync("reviewed-earlier", CsrDecision.Approve("edge-gone", "reviewed while Enrolled"), Ct));
        var gone = Assert.Single((await host.Client.CertificatesV1.ReadCertificateSigningRequestAsync("reviewed-earlier", cancellationToken: Ct)).Status.Conditions);
        AssertDenied(gone, CsrReasons.NodeNotAttested);
        Assert.Contains("unknown to the verifier since its CSR was reviewed", gone.Message);
    }

    [Fact]
    public async Task Csrs_of_other_signers_unmanaged_nodes_or_already_decided_are_left_alone()
    {
        host.Trust.Set("edge-c", NodePhase.Enrolled);
        var userC = await TokenUserAsync("edge-c");
        await host.CreateCsrAsync(KubeletCsrs.Csr("serving", KubeletCsrs.Pem("system:node:edge-c"), userC, signer: "kubernetes.io/kubelet-serving", usages: ["digital signature", "server auth"]));
        await host.CreateCsrAsync(KubeletCsrs.Csr("stranger", KubeletCsrs.Pem("system:node:stranger"), "system:bootstrap:abcdef"));
        await host.CreateCsrAsync(KubeletCsrs.Csr("stranger-renewal", KubeletCsrs.Pem("system:node:stranger"), "system:node:stranger"));
        await host.CreateCsrAsync(KubeletCsrs.Csr("not-a-node", KubeletCsrs.Pem("alice"), "alice"));
        // Created last: once it is decided, the approver has seen the ones before.
        await host.CreateCsrAsync(KubeletCsrs.Csr("marker", KubeletCsrs.Pem("system:node:edge-c"), userC));
        Assert.Equal("Approved", (await DecidedAsync("marker")).Type);

        foreach (var name in new[] { "serving", "stranger", "stranger-renewal", "not-a-node" })
            Assert.Null(await host.DecisionAsync(name));

        // A decided CSR is never changed, even when it would be decided otherwise now.
        host.Trust.Set("edge-c", NodePhase.Failed);
        host.Server.DropAllWatches();
        await host.CreateCsrAsync(KubeletCsrs.Csr("marker-2", KubeletCsrs.Pem("system:node:edge-c"), userC));
        AssertDenied(await DecidedAsync("marker-2"), CsrReasons.NodeNotAttested);
        var marker = await host.Client.CertificatesV1.ReadCertificateSigningRequestAsync("marker", cancellationToken: Ct);
        Assert.Equal("Approved", Assert.Single(marker.Status.Conditions).Type);
    }

    [Fact]
    public async Task The_approver_keeps_going_after_dropped_and_expired_watches_an_outage_and_a_verifier_that_does_not_answer()
    {
        host.Trust.Set("edge-d", NodePhase.Enrolled);
        var userD = await TokenUserAsync("edge-d");

        host.Server.DropAllWatches();
        await host.CreateCsrAsync(KubeletCsrs.Csr("after-drop", KubeletCsrs.Pem("system:node:edge-d"), userD));
        Assert.Equal("Approved", (await DecidedAsync("after-drop")).Type);

        // A watch that resumes from a resourceVersion the server has forgotten gets 410 and the approver lists again:
        // hold the approver inside a decision, compact the history, drop its stream, write, then let it go on.
        using var restarts = new RestartCauses();
        host.Trust.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await host.CreateCsrAsync(KubeletCsrs.Csr("held", KubeletCsrs.Pem("system:node:edge-d"), userD));
        await host.Trust.Held.Task.WaitAsync(Timeout, Ct);
        await host.CreateNodeAsync("bump");   // any write moves the resourceVersion past the approver's
        host.Server.Store.CompactHistory();
        host.Server.DropAllWatches();
        await host.CreateCsrAsync(KubeletCsrs.Csr("after-compaction", KubeletCsrs.Pem("system:node:edge-d"), userD));
        var hold = host.Trust.Hold;
        host.Trust.Hold = null;
        hold.SetResult();
        Assert.Equal("Approved", (await DecidedAsync("held")).Type);
        Assert.Equal("Approved", (await DecidedAsync("after-compaction")).Type);
        Assert.Contains("expired", restarts.Causes);

        host.Server.Down = true;
        await Task.Delay(1500, Ct);
        host.Server.Down = false;
        await host.CreateCsrAsync(KubeletCsrs.Csr("after-outage", KubeletCsrs.Pem("system:node:edge-d"), userD));
        Assert.Equal("Approved", (await DecidedAsync("after-outage")).Type);

        // No answer from the verifier: nothing is decided (fail closed) until it answers again.
        host.Trust.Unavailable = true;
        await host.CreateCsrAsync(KubeletCsrs.Csr("while-unavailable", KubeletCsrs.Pem("system:node:edge-d"), userD));
        await Task.Delay(1000, Ct);
        Assert.Null(await host.DecisionAsync("while-unavailable"));
        host.Trust.Unavailable = false;
        Assert.Equal("Approved", (await DecidedAsync("while-unavailable")).Type);
        Assert.True(host.Get<KubeletCsrApprover>().Rounds >= 3);
    }

    [Fact]
    public async Task Two_approvers_decide_each_csr_once()
    {
        // The second approver shares the first one's API server, tokens and verifier answers.
        var approver = new KubeletCsrApprover(host.Client, new CsrReviewer(host.Get<BootstrapTokenStore>(), host.Trust), host.Get<CsrApprovals>(),
            host.Get<Microsoft.Extensions.Options.IOptions<KubernetesAccessOptions>>(), host.Get<KubernetesAccessMetrics>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KubeletCsrApprover>.Instance);
        await approver.StartAsync(Ct);
        try
        {
            host.Trust.Set("edge-e", NodePhase.Enrolled);
            host.Trust.Set("edge-g", NodePhase.Failed);
            var userE = await TokenUserAsync("edge-e");
            var userG = await TokenUserAsync("edge-g");
            for (int i = 0; i < 10; i++)
            {
                await host.CreateCsrAsync(KubeletCsrs.Csr($"e-{i}", KubeletCsrs.Pem("system:node:edge-e"), userE));
                await host.CreateCsrAsync(KubeletCsrs.Csr($"g-{i}", KubeletCsrs.Pem("system:node:edge-g"), userG));
            }
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal("Approved", (await DecidedAsync($"e-{i}")).Type);
                Assert.Equal("Denied", (await DecidedAsync($"g-{i}")).Type);
            }
            await Task.Delay(500, Ct);
            foreach (var csr in (await host.Client.CertificatesV1.ListCertificateSigningRequestAsync(cancellationToken: Ct)).Items)
                Assert.Single(csr.Status.Conditions);
        }
        finally
        {
            await approver.StopAsync(Ct);
        }
    }
}
