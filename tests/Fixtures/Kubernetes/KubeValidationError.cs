namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>One schema violation, in the apiserver's field.Error shape ("spec.x: Invalid value: ...").</summary>
public sealed record KubeValidationError(string Field, string Reason, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
