// No favicon request (it would 404 and show as a console error).
export const metadata = { title: 'eventsource-wasm in Next.js', icons: { icon: 'data:,' } };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
