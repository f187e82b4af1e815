using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Mirage.Grains.Storage;
using Mirage.Silo.Configuration;
using Mirage.Silo.Storage.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Mirage.Silo.Hosting;

/// <summary>The Orleans silo this process co-hosts: clustering, grain storage and collection, per configuration.</summary>
public static class SiloHosting
{
    public static WebApplicationBuilder UseMirageSilo(this WebApplicationBuilder builder, string configFolder)
    {
        var options = builder.Configuration.GetSection(MirageOptions.Section).Get<MirageOptions>() ?? new MirageOptions();
        // Relative paths in the configuration file are relative to that file, as for the models folder.
        options.Storage.SqlitePath = Path.GetFullPath(options.Storage.SqlitePath, configFolder);
        // The predict path's grain references, and the defenses this silo's client grains publish for it.
        builder.Services.AddSingleton<Http.PredictGrains>();
        builder.Services.AddSingleton<Mirage.Grains.Clients.LocalDefenses>();
        builder.UseOrleans(silo =>
        {
            silo.UseMirageClustering(options.Cluster);
            AddStorage(silo, options);
            silo.AddDashboard();
            silo.Configure<GrainCollectionOptions>(collection =>
            {
                collection.CollectionAge = options.Grains.IdleAge;
                collection.CollectionQuantum = options.Grains.CollectionQuantum;
            });
        });
        return builder;
    }

    private static void AddStorage(ISiloBuilder silo, MirageOptions options)
    {
        var storage = options.Storage;
        switch (storage.Provider.ToLowerInvariant())
        {
            case "azure":
                var connection = ClusterHosting.AzureConnectionString(options.Cluster);
                silo.AddAzureBlobGrainStorage(MirageStorage.Name, blobs => blobs.BlobServiceClient = new BlobServiceClient(connection));
                silo.AddMirageGrainStateSerializer(MirageStorage.Name);
                break;
            case "sqlite":
                silo.AddSqliteGrainStorage(MirageStorage.Name, sqlite => sqlite.Path = storage.SqlitePath);
                break;
            default:
                throw new OptionsValidationException(nameof(MirageOptions.Storage), typeof(StorageOptions),
                    [$"Mirage:Storage:Provider \"{storage.Provider}\" is unknown; use \"sqlite\" or \"azure\"."]);
        }
    }
}
