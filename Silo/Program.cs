using OrleansAttest.Silo.Hosting;

return await SiloProgram.RunAsync(args);
