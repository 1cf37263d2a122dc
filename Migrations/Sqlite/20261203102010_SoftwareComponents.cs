using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SoftwareComponents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PackageWatches",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Purl = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    VersionRange = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastEvaluatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastMatches = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageWatches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SbomImages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ImageKey = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ImageRegistry = table.Column<string>(type: "TEXT", maxLength: 253, nullable: true),
                    ImageRepository = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ImageTag = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ImageDigest = table.Column<string>(type: "TEXT", unicode: false, maxLength: 100, nullable: true),
                    SbomFormat = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    BatchId = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ComponentCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SbomImages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SbomImages_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "WorkloadImages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClusterId = table.Column<int>(type: "INTEGER", nullable: false),
                    NamespaceName = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    WorkloadKind = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    WorkloadName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Container = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    ImageRegistry = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    ImageRepository = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ImageTag = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ImageDigest = table.Column<string>(type: "TEXT", unicode: false, maxLength: 100, nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    SeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkloadImages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WorkloadImages_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WorkloadImages_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "SoftwareComponents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SbomImageId = table.Column<long>(type: "INTEGER", nullable: false),
                    PurlType = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    PurlNamespace = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    PurlName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Purl = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Licences = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ComponentType = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SoftwareComponents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SoftwareComponents_SbomImages_SbomImageId",
                        column: x => x.SbomImageId,
                        principalTable: "SbomImages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PackageWatches_Name",
                table: "PackageWatches",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SbomImages_ImageDigest",
                table: "SbomImages",
                column: "ImageDigest");

            migrationBuilder.CreateIndex(
                name: "IX_SbomImages_ImageKey",
                table: "SbomImages",
                column: "ImageKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SbomImages_ImageRegistry_ImageRepository_ImageTag",
                table: "SbomImages",
                columns: new[] { "ImageRegistry", "ImageRepository", "ImageTag" });

            migrationBuilder.CreateIndex(
                name: "IX_SbomImages_OwnerTeamId",
                table: "SbomImages",
                column: "OwnerTeamId");

            migrationBuilder.CreateIndex(
                name: "IX_SoftwareComponents_PurlType_PurlNamespace_PurlName_SbomImageId",
                table: "SoftwareComponents",
                columns: new[] { "PurlType", "PurlNamespace", "PurlName", "SbomImageId" });

            migrationBuilder.CreateIndex(
                name: "IX_SoftwareComponents_SbomImageId",
                table: "SoftwareComponents",
                column: "SbomImageId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkloadImages_ClusterId_Source",
                table: "WorkloadImages",
                columns: new[] { "ClusterId", "Source" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkloadImages_ImageDigest",
                table: "WorkloadImages",
                column: "ImageDigest");

            migrationBuilder.CreateIndex(
                name: "IX_WorkloadImages_ImageRegistry_ImageRepository_ImageTag",
                table: "WorkloadImages",
                columns: new[] { "ImageRegistry", "ImageRepository", "ImageTag" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkloadImages_OwnerTeamId",
                table: "WorkloadImages",
                column: "OwnerTeamId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PackageWatches");

            migrationBuilder.DropTable(
                name: "SoftwareComponents");

            migrationBuilder.DropTable(
                name: "WorkloadImages");

            migrationBuilder.DropTable(
                name: "SbomImages");
        }
    }
}
