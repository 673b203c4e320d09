import type { Preset } from './preset';
import { findColumn } from './preset';

const CUSTOMER = ['CustomerID', 'Customer ID', 'customer_id', 'customer', 'client_id', 'buyer_id'];
const ORDER = [
  'InvoiceNo',
  'Invoice',
  'invoice_id',
  'order_id',
  'OrderID',
  'order_number',
  'transaction_id',
];
const DATE = ['InvoiceDate', 'order_date', 'OrderDate', 'transaction_date', 'created_at', 'date'];
const EVENT = ['event', 'event_name', 'event_type', 'action'];

/**
 * Transaction exports: one row per order line, no event column (e.g. UCI Online Retail). Every
 * row becomes a `purchase`; invoices numbered with a leading C are cancellations (the UCI and
 * common ERP convention), so they become `cancellation` events rather than negative purchases.
 */
export const transactions: Preset = {
  id: 'transactions',
  label: 'Transactions (order lines)',
  score(ctx) {
    if (findColumn(ctx, EVENT) !== undefined) return 0;
    const found = [CUSTOMER, ORDER, DATE].filter((c) => findColumn(ctx, c) !== undefined).length;
    return found === 3 ? 80 : 0;
  },
  mapping(ctx) {
    const order = findColumn(ctx, ORDER);
    const invoiceStyle = order !== undefined && /invoice/i.test(order);
    return {
      userId: [findColumn(ctx, CUSTOMER) ?? 'CustomerID'],
      timestamp: findColumn(ctx, DATE) ?? 'InvoiceDate',
      eventName: 'purchase',
      eventRules:
        order !== undefined && invoiceStyle
          ? [{ column: order, op: 'startsWith', value: 'C', event: 'cancellation' }]
          : [],
    };
  },
};
