import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;

const durationMs = (d: proto.google.protobuf.IDuration | null | undefined): number =>
  Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);

/**
 * A workflow's history as one line per event, in order: the event type
 * (`TIMER_FIRED`), then what it names: the activity type, signal or update
 * name, or the timer's duration (`TIMER_STARTED 3000ms`). For assertions on
 * the order in which things happened, which no slow machine can upset.
 */
export async function historySteps(temporal: Client, workflowId: string): Promise<string[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => {
    const type = EventType[e.eventType ?? 0]!.replace(/^EVENT_TYPE_/, '');
    const detail =
      e.activityTaskScheduledEventAttributes?.activityType?.name ??
      e.workflowExecutionSignaledEventAttributes?.signalName ??
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
      (e.timerStartedEventAttributes ? `${durationMs(e.timerStartedEventAttributes.startToFireTimeout)}ms` : undefined);
    return detail ? `${type} ${detail}` : type;
  });
}

/** The steps that match `pattern`, in order. */
export async function historyStepsMatching(temporal: Client, workflowId: string, pattern: RegExp): Promise<string[]> {
  return (await historySteps(temporal, workflowId)).filter((s) => pattern.test(s));
}
