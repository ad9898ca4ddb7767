using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>A policy's clusterRoles are checked as RBAC names when it is written, and normalised.</summary>
public sealed class PolicyClusterRolesTests
{
    [Fact]
    public void Valid_roles_are_trimmed_and_deduplicated()
    {
        var (problems, normalized) = PolicyValidator.Validate(new AttestationPolicy { Name = "p", ClusterRoles = [" system:node", "edge-reader", "system:node", "a.b_c@d"] });
        Assert.Empty(problems);
        Assert.Equal(["system:node", "edge-reader", "a.b_c@d"], normalized!.ClusterRoles);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("..", "may not be '.' or '..'")]
    [InlineData("roles/admin", "may not contain '/'")]
    [InlineData("50%", "may not contain")]
    [InlineData("edge reader", "may not contain")]
    [InlineData("édge", "non-ASCII")]
    public void Invalid_roles_are_refused_naming_the_entry(string role, string expected)
    {
        var (problems, normalized) = PolicyValidator.Validate(new AttestationPolicy { Name = "p", ClusterRoles = ["system:node", role] });
        Assert.Null(normalized);
        var problem = Assert.Single(problems);
        Assert.StartsWith($"clusterRoles entry '{role.Trim()}' is not a ClusterRole name", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void A_role_longer_than_an_object_name_is_refused()
    {
        var (problems, _) = PolicyValidator.Validate(new AttestationPolicy { Name = "p", ClusterRoles = [new string('r', 254)] });
        Assert.Contains("at most 253", Assert.Single(problems));
    }
}
