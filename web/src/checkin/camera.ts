/**
 * Reading QR codes with the phone's camera, where the browser has the
 * Shape Detection API's BarcodeDetector (Chrome on Android, among others).
 * Elsewhere the page takes typed codes only.
 */
import { byId } from '../lib/dom.js';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

const SCAN_EVERY_MS = 250;
/** The same code in front of the camera is not sent again for this long. */
const SAME_CODE_PAUSE_MS = 4000;

async function qrDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector || !navigator.mediaDevices?.getUserMedia) return null;
  const formats = await Detector.getSupportedFormats().catch(() => [] as string[]);
  return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
}

/** Offers the camera when it can read QR codes; each code read goes to `onCode`. */
export async function setUpCamera(onCode: (code: string) => Promise<void>): Promise<void> {
  const detector = await qrDetector();
  if (!detector) {
    byId('camera-missing').hidden = false;
    return;
  }
  const video = byId('camera-video', HTMLVideoElement);
  const button = byId('camera-btn', HTMLButtonElement);
  byId('camera').hidden = false;
  let stream: MediaStream | null = null;
  let last = { code: '', at: 0 };
  let busy = false;

  const scan = async (): Promise<void> => {
    if (!stream) return;
    if (!busy && video.readyState >= 2) {
      const [found] = await detector.detect(video).catch(() => [] as DetectedBarcode[]);
      const now = Date.now();
      if (found && !(found.rawValue === last.code && now - last.at < SAME_CODE_PAUSE_MS)) {
        last = { code: found.rawValue, at: now };
        busy = true;
        await onCode(found.rawValue).finally(() => (busy = false));
      }
    }
    setTimeout(() => void scan(), SCAN_EVERY_MS);
  };

  button.addEventListener('click', async () => {
    if (stream) {
      for (const track of stream.getTracks()) track.stop();
      stream = null;
      delete video.dataset.on;
      button.textContent = 'Start the camera';
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      byId('camera-missing').hidden = false;
      return;
    }
    video.srcObject = stream;
    video.dataset.on = 'true';
    await video.play();
    button.textContent = 'Stop the camera';
    void scan();
  });
}
