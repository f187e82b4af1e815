using Mirage.Silo.Storage.Hosting;
using Orleans.Runtime;

namespace Mirage.Silo.Tests.Storage;

/// <summary>Bad storage options stop the silo at start-up, with a message that names the provider and the fix.</summary>
public sealed class GrainStorageOptionsTests
{
    [Theory]
    [InlineData("SQLite", "", "Path is empty")]
    [InlineData("SQLite", "/tmp", "is a folder")]
    public async Task A_bad_option_stops_the_silo_with_the_provider_and_the_problem(string provider, string value, string problem)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StorageSilo.StartAsync(silo => silo.AddSqliteGrainStorage("bad", options => options.Path = value)));

        var message = Unwrap<OrleansConfigurationException>(error).Message;
        Assert.StartsWith($"{provider} grain storage \"bad\": ", message);
        Assert.Contains(problem, message);
    }

    private static T Unwrap<T>(Exception error) where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in {error}");
    }
}
