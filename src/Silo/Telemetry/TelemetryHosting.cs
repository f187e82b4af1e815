using System.Diagnostics.Metrics;
using Mirage.Inference;
using Mirage.Silo.Security;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Mirage.Silo.Telemetry;

/// <summary>
/// OpenTelemetry metrics, served as Prometheus text at /metrics (admin keys only): Mirage's meter, ASP.NET
/// Core's request duration and Kestrel's connections, and Orleans' own meter.
/// </summary>
public static class TelemetryHosting
{
    private static readonly string[] Meters =
        [MirageMeter.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.Orleans"];

    public static IServiceCollection AddMirageTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TelemetryOptions>(configuration.GetSection(TelemetryOptions.Section));
        services.AddSingleton<MirageMeter>();
        services.AddSingleton(sp => new InferenceRunMetrics(sp.GetRequiredService<MirageMeter>().Meter));
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<ClientLevelCounts>();
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("mirage")).WithMetrics(metrics =>
        {
            metrics.AddMeter(Meters).AddPrometheusExporter(prometheus =>
            {
                // Every scrape reads the counters afresh (the default caches the answer for 300 ms).
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                // The names are the contract (docs/API.md); the meter's name in every label adds nothing.
                prometheus.ScopeInfoEnabled = false;
            });
            ((IDeferredMeterProviderBuilder)metrics).Configure((sp, builder) =>
            {
                // A meter listener sees every meter of its name in the process. Hosts that share a process
                // (the tests run several silos) keep to the instruments of their own meter factory; meters
                // made without one (Orleans' are static) are the process's and are kept.
                var own = sp.GetRequiredService<IMeterFactory>();
                builder.AddView(instrument =>
                    instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
            });
        });
        return services;
    }

    /// <summary>Maps /metrics (the platform's: it spans tenants) and creates the observable instruments.</summary>
    public static IEndpointRouteBuilder MapMirageMetrics(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<ServiceMetrics>();
        app.ServiceProvider.GetRequiredService<ClientLevelCounts>();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MiragePolicies.Admin);
        return app;
    }
}
