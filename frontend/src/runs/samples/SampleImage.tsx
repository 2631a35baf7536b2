// One small sample image, drawn at its own pixel size and scaled up crisply.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SampleImage as Image } from '../../api/types';
import { toRgba } from '../model/images';

export function SampleImage({ image, size = 56, label }: { image: Image; size?: number; label?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { t } = useTranslation();
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    el.width = image.width;
    el.height = image.height;
    ctx.putImageData(new ImageData(toRgba(image.data, image.width, image.height, image.channels), image.width, image.height), 0, 0);
  }, [image]);
  return <canvas ref={canvas} className="sample-image" style={{ width: size, height: (size * image.height) / image.width }} role="img" aria-label={label ?? t('runs.samples.image')} />;
}
