using Mirage.Client.Commands;

// mirage: the command-line client. `mirage --help` lists the commands.
return await MirageCommandLine.Build().Parse(args).InvokeAsync();
