namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>A Table column: a CRD's additionalPrinterColumns entry, or a built-in type's default column.</summary>
public sealed record KubePrinterColumn(string Name, string Type, string JsonPath, int Priority = 0, string Format = "", string Description = "");
