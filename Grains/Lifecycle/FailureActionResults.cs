namespace OrleansAttest.Grains.Lifecycle;

/// <summary>Values of the <c>result</c> tag of <c>orleansattest.failure_actions</c>.</summary>
public static class FailureActionResults
{
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Unhandled = "unhandled";
}
