import { Client, Connection } from '@temporalio/client';

export interface TemporalSettings {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
}

export async function connectTemporalClient(s: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ address: s.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: s.TEMPORAL_NAMESPACE });
}
