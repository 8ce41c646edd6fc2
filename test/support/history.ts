import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;

const durationMs = (d: proto.google.protobuf.IDuration | null | undefined): number =>
  Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);

/** The activity type a local activity's marker records (the SDK core writes it as JSON), or the marker's name. */
function markerDetail(a: proto.temporal.api.history.v1.IMarkerRecordedEventAttributes): string | undefined {
  const data = a.details?.data?.payloads?.[0]?.data;
  if (a.markerName !== 'core_local_activity' || !data) return a.markerName ?? undefined;
  return (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type;
}

/**
 * A workflow's history as one line per event, in order: the event type
 * (`TIMER_FIRED`), then what it names: the activity type (of a local activity
 * too: `MARKER_RECORDED releaseSeats`), signal or update name, or the timer's
 * duration (`TIMER_STARTED 3000ms`). For assertions on the order in which
 * things happened, which no slow machine can upset.
 */
export async function historySteps(temporal: Client, workflowId: string): Promise<string[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => {
    const type = EventType[e.eventType ?? 0]!.replace(/^EVENT_TYPE_/, '');
    const detail =
      e.activityTaskScheduledEventAttributes?.activityType?.name ??
      e.workflowExecutionSignaledEventAttributes?.signalName ??
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
      (e.markerRecordedEventAttributes ? markerDetail(e.markerRecordedEventAttributes) : undefined) ??
      (e.timerStartedEventAttributes ? `${durationMs(e.timerStartedEventAttributes.startToFireTimeout)}ms` : undefined);
    return detail ? `${type} ${detail}` : type;
  });
}

/** The steps that match `pattern`, in order. */
export async function historyStepsMatching(temporal: Client, workflowId: string, pattern: RegExp): Promise<string[]> {
  return (await historySteps(temporal, workflowId)).filter((s) => pattern.test(s));
}

const instantMs = (t: proto.google.protobuf.ITimestamp | null | undefined): number => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** When each of a workflow's timers fired, by the server's clock. */
export async function timersFired(temporal: Client, workflowId: string): Promise<Date[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED).map((e) => new Date(instantMs(e.eventTime)));
}
