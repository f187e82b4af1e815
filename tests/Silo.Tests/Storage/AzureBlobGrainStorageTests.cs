using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Mirage.Silo.Storage.Hosting;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Mirage.Silo.Tests.Storage;

public sealed class AzureBlobGrainStorageTests(AzureBlobStorageSilo silo) : GrainStorageConformance(silo), IClassFixture<AzureBlobStorageSilo>;

/// <summary>Orleans' Azure Blob grain storage with Mirage's serializer, on Azurite, in a container of its own.</summary>
public sealed class AzureBlobStorageSilo : StorageSilo
{
    private readonly string _container = $"mirage-test-{Guid.NewGuid():N}";
    private AzuriteServer? _azurite;

    private BlobContainerClient Container => new BlobServiceClient(_azurite!.ConnectionString).GetBlobContainerClient(_container);

    protected override Task PrepareAsync()
    {
        _azurite = new AzuriteServer();
        return Task.CompletedTask;
    }

    protected override void AddStorage(ISiloBuilder silo, string name) => silo
        .AddMirageGrainStateSerializer(name)
        .AddAzureBlobGrainStorage(name, options =>
        {
            options.BlobServiceClient = new BlobServiceClient(_azurite!.ConnectionString);
            options.ContainerName = _container;
        });

    /// <summary>The one blob whose name holds both the state name and the grain id (Orleans names it "{state}-{grain id}.json").</summary>
    public override async Task<long> StoredLengthAsync(string stateName, GrainId grainId)
    {
        var lengths = new List<long>();
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, stateName, CancellationToken.None))
        {
            if (blob.Name.Contains(grainId.ToString(), StringComparison.Ordinal))
            {
                lengths.Add(blob.Properties.ContentLength ?? -1);
            }
        }

        return Assert.Single(lengths);
    }

    protected override async Task CleanUpAsync()
    {
        if (_azurite is not null)
        {
            await Container.DeleteIfExistsAsync();
            _azurite.Dispose();
        }
    }
}
