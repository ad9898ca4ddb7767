using OrleansAttest.EdgeAgent.Cli;

return await AgentCommandLine.Build().Parse(args).InvokeAsync();
