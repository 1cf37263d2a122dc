using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Inventory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EgressDaily",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    SourceHost = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: false),
                    DestinationHost = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: false),
                    Registry = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Requests = table.Column<long>(type: "bigint", nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EgressDaily", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EgressDaily_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "EgressObservations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    LineHash = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SourceHost = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: false),
                    UserName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    DestinationHost = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false),
                    BatchId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EgressObservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EgressObservations_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "InventoryRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    NaturalKey = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Provider = table.Column<int>(type: "int", nullable: true),
                    CloudAccount = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Vpc = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    Region = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Endpoint = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Hostname = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    UserName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Version = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Product = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Ports = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Requests = table.Column<long>(type: "bigint", nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false),
                    BusinessUnitId = table.Column<int>(type: "int", nullable: true),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    MatchedClusterId = table.Column<int>(type: "int", nullable: true),
                    MatchedBy = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: true),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastBatchId = table.Column<long>(type: "bigint", nullable: true),
                    EvidenceJson = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InventoryRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InventoryRecords_BusinessUnits_BusinessUnitId",
                        column: x => x.BusinessUnitId,
                        principalTable: "BusinessUnits",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_InventoryRecords_Clusters_MatchedClusterId",
                        column: x => x.MatchedClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_InventoryRecords_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_EgressDaily_Day_OwnerTeamId_SourceHost_DestinationHost",
                table: "EgressDaily",
                columns: new[] { "Day", "OwnerTeamId", "SourceHost", "DestinationHost" },
                unique: true,
                filter: "[OwnerTeamId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_EgressDaily_OwnerTeamId",
                table: "EgressDaily",
                column: "OwnerTeamId");

            migrationBuilder.CreateIndex(
                name: "IX_EgressObservations_At",
                table: "EgressObservations",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_EgressObservations_LineHash",
                table: "EgressObservations",
                column: "LineHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EgressObservations_OwnerTeamId",
                table: "EgressObservations",
                column: "OwnerTeamId");

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_BusinessUnitId",
                table: "InventoryRecords",
                column: "BusinessUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_Kind_LastSeenAt",
                table: "InventoryRecords",
                columns: new[] { "Kind", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_Kind_NaturalKey",
                table: "InventoryRecords",
                columns: new[] { "Kind", "NaturalKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_MatchedClusterId",
                table: "InventoryRecords",
                column: "MatchedClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_OwnerTeamId_Kind",
                table: "InventoryRecords",
                columns: new[] { "OwnerTeamId", "Kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EgressDaily");

            migrationBuilder.DropTable(
                name: "EgressObservations");

            migrationBuilder.DropTable(
                name: "InventoryRecords");
        }
    }
}
