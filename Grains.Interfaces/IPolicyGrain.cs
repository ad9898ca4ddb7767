namespace OrleansAttest.Grains.Interfaces;

/// <summary>One named policy (key: policy name). Writes are validated; a refused write changes nothing.</summary>
public interface IPolicyGrain : IGrainWithStringKey
{
    Task<OperationResult> SetAsync(AttestationPolicy policy);

    Task<AttestationPolicy?> GetAsync();

    Task DeleteAsync();
}
