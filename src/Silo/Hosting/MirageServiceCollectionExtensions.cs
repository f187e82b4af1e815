using Microsoft.Extensions.Options;
using Mirage.Grains.Clients;
using Mirage.Defense.Escalation;
using Mirage.Inference;
using Mirage.Defense.Perturbation;
using Mirage.Defense.Monitoring;
using Mirage.Silo.Configuration;
using Mirage.Silo.Http;
using Mirage.Silo.OpenApi;
using Mirage.Silo.Operators;
using Mirage.Silo.Security;
using Mirage.Silo.Telemetry;

namespace Mirage.Silo.Hosting;

public static class MirageServiceCollectionExtensions
{
    /// <summary>
    /// Reads the configuration file (<c>--config</c>, default config/demo.json) and adds the silo:
    /// the Orleans silo, inference pools, API keys, HTTP problem details.
    /// </summary>
    public static WebApplicationBuilder AddMirage(this WebApplicationBuilder builder, string[] args)
    {
        var configFile = Path.GetFullPath(builder.Configuration["config"] ?? Path.Combine("config", "demo.json"));
        if (!File.Exists(configFile))
        {
            throw new FileNotFoundException($"Configuration file {configFile} does not exist; pass --config PATH.", configFile);
        }

        // The file first, then environment and command line, so `--Mirage:Inference:MaxBatchSize=32` wins.
        builder.Configuration.AddJsonFile(configFile, optional: false, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);

        // A log line per request would cost more than the request: ASP.NET's, Orleans' and Polly's
        // (Orleans' placement retries log every attempt at information) chatter stays at warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        var services = builder.Services;
        var section = builder.Configuration.GetSection(MirageOptions.Section);
        services.Configure<MirageOptions>(section);
        services.PostConfigure<MirageOptions>(options =>
        {
            var folder = Path.GetDirectoryName(configFile)!;
            options.ModelsDirectory = Path.GetFullPath(options.ModelsDirectory, folder);
        });

        services.AddProblemDetails();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new EscalationLadders(sp.GetRequiredService<IOptions<MirageOptions>>().Value.Tenants
            .Where(t => t.Escalation is { Levels.Count: > 0 })
            .ToDictionary(t => t.Name, t => new EscalationLadder(t.Escalation!.Levels, t.Escalation.CalmPeriod))));
        services.AddSingleton(sp => new UsageQuotas(sp.GetRequiredService<IOptions<MirageOptions>>().Value.Tenants
            .Where(t => t.Quota is not null).ToDictionary(t => t.Name, t => t.Quota!), sp.GetRequiredService<EscalationLadders>()));
        services.AddSingleton<PerturbationCatalog>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MirageOptions>>().Value.Detection);
        services.AddSingleton<FeatureSpaces>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MirageOptions>>().Value.TenantWatch);
        services.AddMirageTelemetry(builder.Configuration);
        services.AddMirageOpenApi();
        services.AddMirageInference();
        services.AddSingleton<ReadinessChecks>();
        services.AddSingleton<IReadinessCheck, StorageReadinessCheck>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MirageOptions>>().Value.Persistence);
        services.AddSingleton<ObservationGate>();
        builder.AddMirageSecurity();
        services.AddGrainCallResilience(builder.Configuration);
        return builder.UseMirageSilo(Path.GetDirectoryName(configFile)!);
    }
}
