using System.Text;
using OrleansAttest.Cli.Commands;
using OrleansAttest.Cli.Policies;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Cli.Tests.Policies;

/// <summary>Policy files carry clusterRoles (Kubernetes): read, checked by the schema and the validator, written back.</summary>
public sealed class PolicyClusterRolesFileTests
{
    [Fact]
    public void Cluster_roles_read_and_write_back()
    {
        var read = PolicyDocument.Parse(Encoding.UTF8.GetBytes("name: kiosk\nclusterRoles: [system:node, edge-reader, system:node]\n"), "kiosk.yaml");
        Assert.Equal(["system:node", "edge-reader"], read.ClusterRoles);
        var yaml = PolicyDocument.ToYaml(read);
        Assert.Contains("clusterRoles:", yaml);
        Assert.Equal(read.ClusterRoles, PolicyDocument.Parse(Encoding.UTF8.GetBytes(yaml), "again.yaml").ClusterRoles);
        // A policy without roles writes an empty list, which reads back too.
        Assert.Empty(PolicyDocument.Parse(Encoding.UTF8.GetBytes(PolicyDocument.ToYaml(new AttestationPolicy { Name = "plain" })), "plain.yaml").ClusterRoles);
    }

    [Fact]
    public void A_role_that_is_not_an_rbac_name_is_refused_naming_it()
    {
        var bySchema = Assert.Throws<UnusableInputException>(() => PolicyDocument.Parse(Encoding.UTF8.GetBytes("name: p\nclusterRoles: [\"roles/admin\"]\n"), "p.yaml"));
        Assert.Contains("/clusterRoles/0", bySchema.Message);
        var byValidator = Assert.Throws<UnusableInputException>(() => PolicyDocument.Parse(Encoding.UTF8.GetBytes("name: p\nclusterRoles: [\"..\"]\n"), "p.yaml"));
        Assert.Contains("clusterRoles entry '..' is not a ClusterRole name", byValidator.Message);
    }
}
