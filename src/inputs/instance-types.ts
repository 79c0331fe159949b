// The VM sizes a managed online deployment may run on, with each size's vCPUs and memory, so the
// smoke test can run the container with what the deployment's `instance_type` gets.
//
// Sizes: "Managed online endpoints SKU list", learn.microsoft.com/azure/machine-learning/
// reference-managed-online-endpoints-vm-sku-list (MicrosoftDocs/azure-ai-docs, 2023-10).
// vCPUs and memory (GiB): the VM-size pages, learn.microsoft.com/azure/virtual-machines/sizes/
// (general-purpose/dasv4-series, dav4-series, dsv2-series; memory-optimized/esv3-series;
// compute-optimized/fsv2-series, fxmdsv2-series; storage-optimized/lasv3-, lsv2-, lsv3-series;
// gpu-accelerated/nc-a100-v4-, ncast4v3-, ncv2-, ncv3-, ncadsh100v5-, ndma100v4-, nda100v4-,
// ndv2-, nd-h100-v5-, nvadsa10v5-series).
//
// The VM's memory is an upper bound for the container: the node's OS, the platform's own agents
// and the 20% some sizes keep for upgrades take their share, so the container gets less.

export interface InstanceResources {
  cpus: number
  memoryBytes: number
}

const GIB = 1024 ** 3

/** [name as the SKU list writes it, vCPUs, memory in GiB] */
const SIZES: [string, number, number][] = [
  ['Standard_D2as_v4', 2, 8],
  ['Standard_D4as_v4', 4, 16],
  ['Standard_D8as_v4', 8, 32],
  ['Standard_D16as_v4', 16, 64],
  ['Standard_D32as_v4', 32, 128],
  ['Standard_D48as_v4', 48, 192],
  ['Standard_D64as_v4', 64, 256],
  ['Standard_D96as_v4', 96, 384],
  ['Standard_D2a_v4', 2, 8],
  ['Standard_D4a_v4', 4, 16],
  ['Standard_D8a_v4', 8, 32],
  ['Standard_D16a_v4', 16, 64],
  ['Standard_D32a_v4', 32, 128],
  ['Standard_D48a_v4', 48, 192],
  ['Standard_D64a_v4', 64, 256],
  ['Standard_D96a_v4', 96, 384],
  ['Standard_DS1_v2', 1, 3.5],
  ['Standard_DS2_v2', 2, 7],
  ['Standard_DS3_v2', 4, 14],
  ['Standard_DS4_v2', 8, 28],
  ['Standard_DS5_v2', 16, 56],
  ['Standard_E2s_v3', 2, 16],
  ['Standard_E4s_v3', 4, 32],
  ['Standard_E8s_v3', 8, 64],
  ['Standard_E16s_v3', 16, 128],
  ['Standard_E32s_v3', 32, 256],
  ['Standard_E48s_v3', 48, 384],
  ['Standard_E64s_v3', 64, 432],
  ['Standard_F2s_v2', 2, 4],
  ['Standard_F4s_v2', 4, 8],
  ['Standard_F8s_v2', 8, 16],
  ['Standard_F16s_v2', 16, 32],
  ['Standard_F32s_v2', 32, 64],
  ['Standard_F48s_v2', 48, 96],
  ['Standard_F64s_v2', 64, 128],
  ['Standard_F72s_v2', 72, 144],
  ['Standard_FX4mds', 4, 84],
  ['Standard_FX12mds', 12, 252],
  ['Standard_FX24mds', 24, 504],
  ['Standard_FX36mds', 36, 756],
  ['Standard_FX48mds', 48, 1008],
  ['Standard_L8as_v3', 8, 64],
  ['Standard_L16as_v3', 16, 128],
  ['Standard_L32as_v3', 32, 256],
  ['Standard_L48as_v3', 48, 384],
  ['Standard_L64as_v3', 64, 512],
  ['Standard_L80as_v3', 80, 640],
  ['Standard_L8s_v2', 8, 64],
  ['Standard_L16s_v2', 16, 128],
  ['Standard_L32s_v2', 32, 256],
  ['Standard_L48s_v2', 48, 384],
  ['Standard_L64s_v2', 64, 512],
  ['Standard_L80s_v2', 80, 640],
  ['Standard_L8s_v3', 8, 64],
  ['Standard_L16s_v3', 16, 128],
  ['Standard_L32s_v3', 32, 256],
  ['Standard_L48s_v3', 48, 384],
  ['Standard_L64s_v3', 64, 512],
  ['Standard_L80s_v3', 80, 640],
  ['Standard_NC24ads_A100_v4', 24, 220],
  ['Standard_NC48ads_A100_v4', 48, 440],
  ['Standard_NC96ads_A100_v4', 96, 880],
  ['Standard_NC4as_T4_v3', 4, 28],
  ['Standard_NC8as_T4_v3', 8, 56],
  ['Standard_NC16as_T4_v3', 16, 110],
  ['Standard_NC64as_T4_v3', 64, 440],
  ['Standard_NC6s_v2', 6, 112],
  ['Standard_NC12s_v2', 12, 224],
  ['Standard_NC24s_v2', 24, 448],
  ['Standard_NC6s_v3', 6, 112],
  ['Standard_NC12s_v3', 12, 224],
  ['Standard_NC24s_v3', 24, 448],
  ['Standard_NC40ads_H100_v5', 40, 320],
  ['Standard_NC80adis_H100_v5', 80, 640],
  ['Standard_ND96amsr_A100_v4', 96, 1900],
  ['Standard_ND96asr_v4', 96, 900],
  ['Standard_ND40rs_v2', 40, 672],
  ['Standard_ND96is_H100_v5', 96, 1900],
  ['Standard_ND96isr_H100_v5', 96, 1900],
  ['Standard_NV6ads_A10_v5', 6, 55],
  ['Standard_NV12ads_A10_v5', 12, 110],
  ['Standard_NV18ads_A10_v5', 18, 220],
  ['Standard_NV36ads_A10_v5', 36, 440],
  ['Standard_NV36adms_A10_v5', 36, 880],
  ['Standard_NV72ads_A10_v5', 72, 880],
]

// Azure matches size names without regard to case (the SKU list itself writes them in capitals).
const BY_NAME = new Map(
  SIZES.map(([name, cpus, gib]) => [
    name.toLowerCase(),
    { cpus, memoryBytes: Math.round(gib * GIB) },
  ]),
)

/** The size's vCPUs and memory; undefined for a size the table does not hold (never a guess). */
export function instanceResources(instanceType: string): InstanceResources | undefined {
  return BY_NAME.get(instanceType.trim().toLowerCase())
}
