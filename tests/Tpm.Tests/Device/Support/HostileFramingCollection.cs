namespace OrleansAttest.Tpm.Tests.Device.Support;

/// <summary>Runs alone, so that the process-wide allocation counter measures the transport under test and nothing else.</summary>
[CollectionDefinition(nameof(HostileFramingTests), DisableParallelization = true)]
public sealed class HostileFramingCollection;
