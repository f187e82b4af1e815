using Mirage.Silo.Hosting;

// One process: an Orleans silo (the grains, the inference pools) and the HTTP API that calls it.
// Configuration: --config PATH (default config/demo.json); --urls to listen elsewhere than 127.0.0.1:8080.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8080");
builder.AddMirage(args);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMirageSecurity();
app.MapMirageApis();
app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
