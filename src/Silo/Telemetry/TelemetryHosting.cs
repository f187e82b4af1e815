using System.Diagnostics.Metrics;
using Mirage.Inference;
using Mirage.Silo.Security;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Mirage.Silo.Telemetry;

/// <summary>
/// OpenTelemetry metrics, served as Prometheus text at /metrics (admin keys only): by default Mirage's meter,
/// ASP.NET Core's request duration and Kestrel's connections, and Orleans' own meter (Mirage:Telemetry:Meters).
/// </summary>
public static class TelemetryHosting
{
    public static IServiceCollection AddMirageTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TelemetryOptions.Section);
        services.Configure<TelemetryOptions>(section);
        // Read now: the meter provider's meters are fixed when it is built.
        var telemetry = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        var meters = telemetry.Meters is { Length: > 0 } chosen ? chosen : TelemetryOptions.DefaultMeters;
        services.AddSingleton<MirageMeter>();
        services.AddSingleton(sp => new InferenceRunMetrics(sp.GetRequiredService<MirageMeter>().Meter));
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<ClientLevelCounts>();
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("mirage")).WithMetrics(metrics =>
        {
            metrics.AddMeter(meters).AddPrometheusExporter(prometheus =>
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
                // A dropped instrument is never enabled, so its recording call returns at once.
                var own = sp.GetRequiredService<IMeterFactory>();
                var perMessage = telemetry.OrleansPerMessageInstruments;
                builder.AddView(instrument =>
                    (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own))
                    && (perMessage || !TelemetryOptions.IsPerMessage(instrument.Name))
                        ? null : MetricStreamConfiguration.Drop);
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
