using System.Net;
using Mirage.Silo.Tests.TestSupport;

namespace Mirage.Silo.Tests.Security;

/// <summary>Orleans' dashboard streams the silo's logs: only platform admins reach it.</summary>
public sealed class DashboardAccessTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-key", HttpStatusCode.Unauthorized)]
    [InlineData("demo-client-1", HttpStatusCode.Forbidden)]
    [InlineData("demo-operator", HttpStatusCode.Forbidden)]
    [InlineData("demo-admin", HttpStatusCode.OK)]
    public async Task Only_the_admin_role_opens_the_dashboard(string? key, HttpStatusCode expected)
    {
        // "/dashboard" redirects here, and HttpClient drops the Authorization header on a redirect.
        var response = await silo.Client(key).GetAsync("/dashboard/");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("html", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        }
    }
}
