using System.CommandLine;
using OrleansAttest.Benchmarks.Fleet.Commands;

namespace OrleansAttest.Benchmarks.Tests;

/// <summary>The fleet benchmark's topology and per-process environment options (runtime experiments such as a GC mode for one process).</summary>
public sealed class FleetArgumentsTests
{
    private static (ParseResult Parse, FleetArguments Arguments) Parse(params string[] args)
    {
        var arguments = new FleetArguments();
        var command = new RootCommand();
        foreach (var option in arguments.All)
            command.Options.Add(option);
        return (command.Parse(args), arguments);
    }

    [Fact]
    public void Environment_pairs_reach_their_own_process_and_a_repeated_name_takes_its_last_value()
    {
        var (parse, arguments) = Parse("--gateway-env", "DOTNET_gcServer=1", "--gateway-env", "DOTNET_gcServer=0", "--silo-env", "A=b=c");
        Assert.Empty(parse.Errors);
        var options = arguments.Read(parse);

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }, options.GatewayEnvironment);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "b=c" }, options.SiloEnvironment);
    }

    [Fact]
    public void No_environment_option_means_none()
    {
        var (parse, arguments) = Parse();
        Assert.Empty(parse.Errors);
        Assert.Empty(arguments.Read(parse).SiloEnvironment);
        Assert.Empty(arguments.Read(parse).GatewayEnvironment);
    }

    [Theory]
    [InlineData("DOTNET_gcServer")]
    [InlineData("=1")]
    public void A_value_that_is_not_NAME_equals_VALUE_is_refused(string value)
    {
        var (parse, _) = Parse("--silo-env", value);
        var error = Assert.Single(parse.Errors);
        Assert.Equal($"--silo-env '{value}' is not NAME=VALUE", error.Message);
    }

    [Fact]
    public void Gateways_default_to_one_zero_means_co_hosted_and_a_negative_count_is_refused()
    {
        var (parse, arguments) = Parse();
        Assert.Equal(1, arguments.Read(parse).Gateways);
        (parse, arguments) = Parse("--gateways", "2");
        Assert.Empty(parse.Errors);
        Assert.Equal(2, arguments.Read(parse).Gateways);
        (parse, arguments) = Parse("--gateways", "0");
        Assert.Empty(parse.Errors);
        Assert.Equal(0, arguments.Read(parse).Gateways);
        (parse, _) = Parse("--gateways", "-1");
        Assert.Equal("--gateways must be at least 0", Assert.Single(parse.Errors).Message);
    }
}
